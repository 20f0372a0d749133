// The plan and status types are PodPlan's (stdlib only, so pod-supervisor links them
// without Foundation, D55); podctl and the tests keep naming them through PodRuntime.
@_exported import PodPlan
