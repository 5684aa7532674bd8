import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTExperiments

/// Every Compute entry the paper prints, recomputed from its parameter counts (Table 3) and, for early-stopped
/// rows, the mean checkpoints trained (derived_compute_decomposition.csv), must equal the published value.
struct PaperCostModelTests {
    static let folder = PackagePaths.root.appendingPathComponent("paper-tables/published")

    static func table(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = splitCSVLine(lines.removeFirst())
        return lines.map { line in
            let fields = splitCSVLine(line)
            return Dictionary(uniqueKeysWithValues: zip(header, fields + Array(repeating: "", count: max(0, header.count - fields.count))))
        }
    }

    /// RFC 4180 fields of one line (these CSVs have no embedded newlines).
    static func splitCSVLine(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var chars = Array(line), i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { fields.append(field); field = "" }
            else { field.append(c) }
            i += 1
        }
        fields.append(field)
        chars.removeAll()
        return fields
    }

    @Test func table3ParameterCountsMatchTheModel() throws {
        for row in try Self.table("table3_costs.csv") {
            let name = try #require(row["model"])
            let model = try #require(PaperCostModel.model(named: name), "no model \(name)")
            let published = try #require(Double(row["param_size", default: ""].replacingOccurrences(of: "M", with: "")))
            #expect(model.parametersMillions == published, "\(name)")
            #expect(PaperCostModel.erm(main: model.parametersMillions) == Double(row["compute", default: ""]), "\(name)")
        }
    }

    @Test func everyPublishedComputeEntryReproduces() throws {
        let decomposition = try Self.table("derived_compute_decomposition.csv")
        var checked = 0, nonEmpty = 0
        for file in ["table1_nli.csv", "table2_nli_capability.csv", "table5_hsd.csv", "table6_hsd_capability.csv"] {
            let tableName = String(file.prefix(while: { $0 != "_" }))
            for row in try Self.table(file) {
                if !row["compute", default: ""].isEmpty { nonEmpty += 1 }
                guard let published = Double(row["compute", default: ""]) else { continue }
                let method = row["method", default: ""], mainName = row["main_model", default: ""]
                let refName = row["ref_model", default: ""]
                let main = try #require(PaperCostModel.model(named: mainName)).parametersMillions
                let predicted: Double
                switch method {
                case "ERM", "ERM*":
                    predicted = PaperCostModel.erm(main: main)
                case "DM" where refName == "Random":
                    predicted = PaperCostModel.randomDataMap(main: main)
                case "DM":
                    let ref = try #require(PaperCostModel.model(named: refName)).parametersMillions
                    predicted = PaperCostModel.dataMap(reference: ref, main: main)
                case "FTFT", "ERM(ES)":
                    let d = try #require(decomposition.first {
                        $0["table"] == tableName && $0["method"] == method && $0["main_model"] == mainName
                            && $0["ref_model"] == refName
                    }, "no decomposition for \(tableName) \(method) \(refName)")
                    let meanT = try #require(Double(d["main_checkpoints_derived_mean_over_seeds", default: ""]))
                    let k = try #require(Int(d["checkpoints_in_full_erm_run", default: ""]))
                    // T̄ is a mean over 4 seeds: a multiple of 1/4.
                    #expect((meanT * 4).rounded() == meanT * 4)
                    let ref = method == "FTFT" ? try #require(PaperCostModel.model(named: refName)).parametersMillions : nil
                    predicted = PaperCostModel.earlyStopped(reference: ref, main: main, meanCheckpointsTrained: meanT,
                                                            checkpointsInFullRun: k)
                default:
                    Issue.record("unknown method \(method) in \(file)")
                    continue
                }
                #expect(predicted == published, "\(file) row \(row["row", default: "?"]): \(method) \(refName) → \(mainName): \(predicted) ≠ \(published)")
                checked += 1
            }
        }
        // Every printed cell was checked (none skipped as unparsable); Table 3's are checked above.
        #expect(checked == nonEmpty && checked > 0, "checked \(checked) of \(nonEmpty) compute cells")
    }

    @Test func earlyStoppingMatchesThePapersAccounting() {
        // Best at checkpoint 3 of 12, then no improvement: with k = 2 the run trains 5 checkpoints.
        let criterion = [0.30, 0.35, 0.40, 0.39, 0.38, 0.41, 0.45, 0.2, 0.2, 0.2, 0.2, 0.2]
        #expect(EarlyStopping.postHoc(criterion: criterion, patience: 2)! == (3, 5))
        // k = 3 sees checkpoint 6 improve and continues: best 7, stop after 10.
        #expect(EarlyStopping.postHoc(criterion: criterion, patience: 3)! == (7, 10))
        // Ties do not improve; a run that keeps improving trains all K.
        #expect(EarlyStopping.postHoc(criterion: [0.5, 0.5, 0.5], patience: 2)! == (1, 3))
        #expect(EarlyStopping.postHoc(criterion: [0.1, 0.2, 0.3, 0.4], patience: 2)! == (4, 4))
    }
}
