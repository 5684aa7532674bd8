import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTCartography

/// Counts occurrences of `needle` in `text`.
func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

/// The integer values of attribute `name` on elements of class `cls`.
func attributeValues(_ name: String, class cls: String, in svg: String) -> [String] {
    svg.split(separator: "\n").filter { $0.contains("class=\"\(cls)\"") }.compactMap { line in
        guard let range = line.range(of: " \(name)=\"") else { return nil }
        return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
}

struct PlotTests {
    let map: DataMap
    init() throws { map = try DataMap.compute(from: try GoldenCase("e5c3", epochs: 5).readDynamics()) }

    @Test func scatterDataMapStructure() throws {
        let svg = DataMapPlot.svg(map, options: DataMapPlot.Options(title: "e5c3"))
        #expect(svg == DataMapPlot.svg(map, options: DataMapPlot.Options(title: "e5c3")), "deterministic")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("data-n=\"100\"") && svg.contains("data-mode=\"points\"") && svg.contains("data-points=\"100\""))
        #expect(occurrences("class=\"point\"", in: svg) == 100)
        let xMax = DataMapPlot.axisMaximum(map.variability.max() ?? 0)
        #expect(xMax >= (map.variability.max() ?? 0) && xMax - 0.05 < (map.variability.max() ?? 0))
        #expect(svg.contains("data-x-max=\"\(SVGBuilder.number(xMax))\"") && svg.contains("data-y-max=\"1\""))
        // Every point lies inside the plot frame (x 70…660, y 50…500 for the default size).
        let xs = attributeValues("cx", class: "point", in: svg).compactMap(Double.init)
        let ys = attributeValues("cy", class: "point", in: svg).compactMap(Double.init)
        #expect(xs.count == 100 && xs.allSatisfy { (70...660).contains($0) } && ys.allSatisfy { (50...500).contains($0) })
        for label in ["ambiguous", "easy-to-learn", "hard-to-learn"] { #expect(svg.contains("data-label=\"\(label)\"")) }
        #expect(occurrences("class=\"region\"", in: svg) == 3)
        #expect(svg.contains(">variability</text>") && svg.contains(">confidence</text>"))
        let categories = DataMapPlot.exactCorrectnessCategories(map.correctness)
        #expect(categories.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(occurrences("class=\"legend-label\"", in: svg) == categories.labels.count)
        for label in categories.labels {
            #expect(occurrences("data-category=\"\(label)\"", in: svg) == categories.category.filter { categories.labels[$0] == label }.count)
        }
    }

    @Test func densityDataMapCountsEveryExample() throws {
        let svg = DataMapPlot.svg(map, options: DataMapPlot.Options(densityThreshold: 50, bins: 12))
        #expect(svg.contains("data-mode=\"density\"") && occurrences("class=\"point\"", in: svg) == 0)
        let counts = attributeValues("data-count", class: "bin", in: svg).compactMap(Int.init)
        #expect(counts.reduce(0, +) == 100, "every example is in exactly one bin")
        #expect(counts.count == Int(attributeValues("data-bins", class: "", in: svg).first ?? "") ?? counts.count)
        #expect(svg.contains("data-bins=\"\(counts.count)\""))
        #expect(counts.allSatisfy { $0 > 0 } && counts.count <= 144)
    }

    @Test func cartographyHueCategories() {
        // f"{c/max:.1f}" with round-half-even on the binary value: 1/4 → "0.2", 3/4 → "0.8".
        #expect(DataMapPlot.correctnessCategories([0, 1, 2, 3, 4]).labels == ["0.0", "0.2", "0.5", "0.8", "1.0"])
        #expect(DataMapPlot.correctnessCategories([0, 0]).labels == ["0.0"])
    }

    @Test func legendValuesAreExact() throws {
        // 4 epochs: quarters shown as they are (cartography's one decimal shows 0.2 and 0.8).
        let quarters = DataMapPlot.exactCorrectnessCategories([0, 1, 2, 3, 4, 2])
        #expect(quarters.labels == ["0", "0.25", "0.5", "0.75", "1"] && quarters.category == [0, 1, 2, 3, 4, 2])
        #expect(quarters.values == [0, 0.25, 0.5, 0.75, 1])
        #expect(DataMapPlot.exactCorrectnessCategories([0, 1, 2, 3]).labels == ["0", "1/3", "2/3", "1"])
        #expect(DataMapPlot.exactCorrectnessCategories([0, 0]).labels == ["0"])
        // Colours follow the value (the same value, the same colour in every map) and are ordered: on viridis the
        // lightness rises monotonically, so 0.3 / 0.5 / 0.7 are distinguishable (the former blue–dark–red scale put all three near its dark centre).
        func luminance(_ hex: String) -> Double {
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            let (r, g, b) = (Double(v >> 16) / 255, Double((v >> 8) & 255) / 255, Double(v & 255) / 255)
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        let ramp = stride(from: 0.0, through: 1.0, by: 0.1).map { luminance(PlotColor.correctness($0)) }
        #expect(zip(ramp, ramp.dropFirst()).allSatisfy { $0 < $1 }, "\(ramp)")
        #expect(luminance(PlotColor.correctness(0.5)) - luminance(PlotColor.correctness(0.3)) > 0.08)
        #expect(luminance(PlotColor.correctness(0.7)) - luminance(PlotColor.correctness(0.5)) > 0.08)
        let svg = DataMapPlot.svg(try DataMap(exampleIDs: ["a", "b", "c"], goldLabels: nil, epochCount: 4,
                                               confidence: [0.1, 0.5, 0.9], variability: [0.1, 0.2, 0.1], correctness: [1, 2, 4],
                                               forgetfulness: nil, options: DataMapOptions(), ftft: nil))
        for label in ["0.25", "0.5", "1"] { #expect(svg.contains(">\(label)</text>"), "\(label)") }
    }

    @Test func curvesHeatmapAndReport() throws {
        let dynamics = try GoldenCase("e5c3", epochs: 5).readDynamics()
        let curves = try TransferDiagnostics.hardToLearnMedians(dynamics, rate: 0.33)
        let svg = DiagnosticPlots.curves([DiagnosticPlots.Series(name: "hard", values: curves.hard),
                                          DiagnosticPlots.Series(name: "rest", values: curves.rest, dashed: true)])
        #expect(occurrences("class=\"series\"", in: svg) == 2 && svg.contains("data-epochs=\"5\""))
        let pointLists = attributeValues("points", class: "series", in: svg)
        #expect(pointLists.map { $0.split(separator: " ").count } == [5, 5])
        let heat = DiagnosticPlots.overlapHeatmap([[1, 0.4], [0.5, 1]], labels: ["a", "b"], baseline: 0.33)
        #expect(occurrences("class=\"cell\"", in: heat) == 4 && heat.contains("data-value=\"0.4\"") && heat.contains(">0.50</text>"))
        let report = DataMapReport(title: "e5c3", map: map, metadata: dynamics.metadata, classCount: 3, curves: curves, family: .nli,
                                   overlap: ([[1, 0.4], [0.5, 1]], ["a", "b"], 0.33))
        let html = try report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>") && occurrences("<svg ", in: html) == 3)
        #expect(html.contains("<table class=\"summary\">") && html.contains("<table class=\"easy\">"))
        #expect(occurrences("<tr><td>", in: html) == 4, "one row per Table 4 rate")
        let shares = try report.easyShares()
        let far = shares.filter { EasyShareReference.assess($0, family: .nli) == .farBelow }
        #expect(occurrences("class=\"warning\"", in: html) == (far.isEmpty ? 0 : 1), "one combined warning")
        if let warning = EasyShareReference.warning(shares, family: .nli) {
            #expect(far.count < 2 || warning.contains("also far below"))
        }
        #expect(try report.html() == html, "deterministic")
        #expect(occurrences(">e5c3<", in: html) == 2, "the title once: the page's <title> and <h1>, not again on the plot")
        // A task the paper has no Table 4 references for: the shares without comparison or warning.
        var other = report
        other.family = nil
        let plain = try other.html()
        #expect(occurrences("class=\"warning\"", in: plain) == 0 && plain.contains("no reference range"))
    }
}
