/// podctl's version, one number for every executable: `podctl version` prints it and
/// the CRI endpoint answers it as its runtime version (docs/cri.md).
public enum PodctlRelease {
    public static let version = "0.1.0"
}
