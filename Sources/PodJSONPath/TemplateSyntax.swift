import PodCore

/// A kubectl jsonpath template (k8s.io/client-go/util/jsonpath): text, `{…}` actions and
/// `{range …}…{end}` blocks, parsed once and executed over any number of objects.
public struct JSONPathTemplate: Sendable {
    public let source: String
    let nodes: [TemplateNode]

    /// Bounds for templates from the command line (untrusted, as every CLI string).
    public static let maximumLength = 64 * 1024
    /// Filters and unions parse their parts as templates of their own; ranges nest.
    static let maximumDepth = 16

    /// Parses as kubectl does; a syntax error reads as kubectl's:
    /// `error parsing jsonpath {.metadata.name, unclosed action`.
    public init(_ source: String) throws(PodError) {
        self.source = source
        guard source.utf8.count <= Self.maximumLength else {
            throw PodError(.invalidArgument, "the jsonpath template is \(source.utf8.count) bytes, more than podctl takes (\(Self.maximumLength)): shorten it")
        }
        do {
            nodes = try TemplateParser.parse(Array(source.unicodeScalars), depth: 0)
        } catch {
            throw PodError(.invalidArgument, "error parsing jsonpath \(source), \(error.message)")
        }
    }
}

/// What a template is made of.
indirect enum TemplateNode: Sendable {
    case text(String)
    /// `{.items[*].metadata.name}`: its values, printed space-separated.
    case action(Expression)
    /// `{range EXPR}BODY{end}`: BODY once for each value of EXPR.
    case range(Expression, body: [TemplateNode])
}

/// The steps of one action, applied left to right to a list of values.
struct Expression: Sendable {
    var steps: [Step] = []
}

indirect enum Step: Sendable {
    /// `.name`; the empty name (`{.}`) keeps the values as they are.
    case field(String)
    /// `.*`: every member of an object, every element of a list.
    case wildcard
    /// `[N]`, `[A:B]`, `[A:B:S]`, `[*]`.
    case slice(Slice)
    /// `[0,2]` or `['a','b']`: each part's values in turn.
    case union([Expression])
    /// `..`: every object and list beneath, in document order.
    case recursive
    /// `[?(@.name=="x")]`, `[?(@.ready)]`.
    case filter(Filter)
    /// A quoted string, number or boolean inside an action: itself, whatever the input.
    case literal(JSONValue)
}

/// kubectl's array parameters: a missing end of `[N]` is N+1 ("derived").
struct Slice: Sendable {
    var start: Int?
    var end: Int?
    var endDerived = false
    var step: Int?
}

struct Filter: Sendable {
    var left: Expression
    /// `==`, `!=`, `<`, `>`, `<=`, `>=`, or `exists` for `[?(@.field)]`.
    var operation: String
    var right: Expression
}

/// A syntax error's text as client-go words it; JSONPathTemplate adds the prefix.
struct SyntaxError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
