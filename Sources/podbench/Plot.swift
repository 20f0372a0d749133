import Foundation

/// Draws the scale runs as an SVG of two panels, seconds per pod and MiB per pod against
/// the number of pods, both systems, with no library: lines, axes and labels.
struct Plot {
    struct Series {
        let name: String
        let color: String
        let points: [(Double, Double)]
    }

    static let width = 420.0, height = 300.0, left = 60.0, right = 15.0, top = 30.0, bottom = 45.0

    static func panel(x offset: Double, title: String, yLabel: String, series: [Series], maxX: Double) -> String {
        let maxY = niceCeiling(series.flatMap { $0.points.map(\.1) }.max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { offset + left + x / maxX * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - y / maxY * plotHeight }
        var svg = "<text x=\"\(offset + width / 2)\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">\(title)</text>\n"
        svg += "<line x1=\"\(px(0))\" y1=\"\(py(0))\" x2=\"\(px(maxX))\" y2=\"\(py(0))\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(px(0))\" y1=\"\(py(0))\" x2=\"\(px(0))\" y2=\"\(py(maxY))\" stroke=\"black\"/>\n"
        for i in 0...4 {
            let y = maxY * Double(i) / 4, x = maxX * Double(i) / 4
            svg += "<line x1=\"\(px(0))\" y1=\"\(py(y))\" x2=\"\(px(maxX))\" y2=\"\(py(y))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(px(0) - 5)\" y=\"\(py(y) + 4)\" text-anchor=\"end\">\(label(y))</text>\n"
            svg += "<text x=\"\(px(x))\" y=\"\(py(0) + 16)\" text-anchor=\"middle\">\(Int(x))</text>\n"
        }
        svg += "<text x=\"\(offset + left + plotWidth / 2)\" y=\"\(height - 8)\" text-anchor=\"middle\">pods</text>\n"
        svg += "<text transform=\"translate(\(offset + 14) \(top + plotHeight / 2)) rotate(-90)\" text-anchor=\"middle\">\(yLabel)</text>\n"
        for (index, line) in series.enumerated() {
            let points = line.points.map { "\(fmt(px($0.0))),\(fmt(py($0.1)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
            let ly = top + 6 + Double(index) * 16
            svg += "<line x1=\"\(offset + left + 10)\" y1=\"\(ly)\" x2=\"\(offset + left + 30)\" y2=\"\(ly)\" stroke=\"\(line.color)\" stroke-width=\"2\"/>\n"
            svg += "<text x=\"\(offset + left + 35)\" y=\"\(ly + 4)\">\(line.name)</text>\n"
        }
        return svg
    }

    static func render(seconds: [Series], mebibytes: [Series], pods: Int) -> String {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width * 2))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += panel(x: 0, title: "apply → running, one pod at a time", yLabel: "seconds per pod", series: seconds, maxX: Double(pods))
        svg += panel(x: width, title: "memory added per pod (PSS)", yLabel: "MiB per pod", series: mebibytes, maxX: Double(pods))
        return svg + "</svg>\n"
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    static func label(_ value: Double) -> String { value >= 1 ? String(format: "%g", value) : String(format: "%.3g", value) }

    /// 1, 2 or 5 times a power of ten, at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, floor(log10(value)))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }
}
