import Foundation
import FTFTCartography
import FTFTStore

/// The paper's §4 transfer diagnostics computed on an experiment's reference runs (issue 14): Table 4 (share of easy
/// examples at p = 10/25/33/50 %), Figure 1a (overlap of the ambiguous thirds of two data maps) and Figure 2 (median
/// gold probability per epoch, hard-to-learn vs the rest), as tables (CSV) and SVG, from the dynamics in the store.
///
/// The maps are those the methods use: every run that served as a DM/FTFT reference (its model's ERM run, one per
/// seed), data maps with FTFT's conventions (ddof 1, FTFT's selection rule at 33 %).
public struct TransferDiagnosticsReport: Sendable {
    public struct ReferenceMap: Sendable {
        public var model: String
        public var seed: UInt64
        public var run: RunID
        public var map: DataMap
        public var dynamics: TrainingDynamics
        /// The example ids of the ambiguous 33 % (FTFT's rule).
        public var ambiguous: [String]
    }

    /// Reference models in the experiment file's order of first use, each with its maps by seed.
    public var models: [String]
    public var maps: [ReferenceMap]
    public var task: String
    /// The files' name after table4_/figure1a_/figure2_: the experiment's (table4_hsd for experiments/hsd.yaml), so
    /// that two experiments of one task (the embedded demo and ladder, a pilot and the table) never overwrite each
    /// other's files.
    public var stem: String { experiment }
    public var experiment: String
    /// The rate of Figure 2's hard-to-learn split (the paper: "lower than 33 %"; we take 25 %, a rate of Table 4).
    public static let hardRate = 0.25
    public static let ambiguousRate = 0.33

    /// Reads the dynamics of every reference run named in the manifest.
    public static func load(results: ExperimentResults, store: RunStore) throws -> TransferDiagnosticsReport {
        var maps: [ReferenceMap] = [], models: [String] = [], seen: Set<RunID> = []
        for method in results.methods where method.method.usesReference {
            guard let model = method.method.reference else { continue }
            for seed in method.seeds {
                guard let run = seed.reference?.run, !seen.contains(run) else { continue }
                seen.insert(run)
                let dynamics = try StoreDynamics.trainingDynamics(store: store, run: run)
                let map = try DataMap.compute(from: dynamics, options: DataMapOptions(variabilityDDOF: 1))
                let ambiguous = try Selector.select(map, mode: .ambiguous, rates: [ambiguousRate], rule: .ftft)[0].indices
                    .map { dynamics.exampleIDs[$0] }
                maps.append(ReferenceMap(model: model, seed: seed.seed, run: run, map: map, dynamics: dynamics, ambiguous: ambiguous))
                if !models.contains(model) { models.append(model) }
            }
        }
        return TransferDiagnosticsReport(models: models, maps: maps, task: results.task.name, experiment: results.spec.name)
    }

    var isEmpty: Bool { maps.isEmpty }

    /// Table 4: per reference model, the easy share in % at each rate — mean and sample sd over seeds, and the seeds.
    public func easyShareTable() throws -> PaperTable {
        let rates = EasyShareReference.rates
        let percent = rates.map { "q\(Int(($0 * 100).rounded()))" }
        var header = ["row", "ref_model", "seeds"]
        header += percent.map { "\(task)_easy_pct_\($0)" } + percent.map { "\(task)_easy_pct_\($0)_std" }
        var rows: [[String]] = []
        for (i, model) in models.enumerated() {
            let mine = maps.filter { $0.model == model }
            let shares = try mine.map { try TransferDiagnostics.easyShares($0.map, rates: rates, rule: .ftft).map { 100 * $0.fraction } }
            let summaries = rates.indices.map { r in SeedSummary(shares.map { $0[r] }) }
            rows.append(["\(i + 1)", model, mine.map { String($0.seed) }.joined(separator: " ")]
                        + summaries.map { Self.format($0.mean) } + summaries.map { Self.format($0.standardDeviation) })
        }
        return PaperTable(name: "table4_\(stem)", header: header, rows: rows)
    }

    /// Figure 1a: the overlap matrix of the ambiguous thirds, one map per (model, seed), and the random expectation.
    public func overlap() -> (table: PaperTable, svg: String) {
        let labels = maps.map { "\($0.model) s\($0.seed)" }
        let matrix = TransferDiagnostics.overlapMatrix(maps.map(\.ambiguous))
        let rows = matrix.enumerated().map { i, row in [labels[i]] + row.map { Self.format(100 * $0) } }
        let table = PaperTable(name: "figure1a_\(stem)", header: ["map"] + labels, rows: rows)
        let svg = DiagnosticPlots.overlapHeatmap(matrix, labels: labels,
                                                 title: "Overlap of ambiguous 33 % (\(experiment))", baseline: Self.ambiguousRate)
        return (table, svg)
    }

    /// The pairs the paper's §4.1 reads from Figure 1a, as means over seeds: each reference model against the
    /// compute-unit (main) model with the same seed, the main model against itself across seeds, and the random
    /// expectation (the rate).
    public func overlapSummary(mainModel: String) -> PaperTable {
        var rows: [[String]] = []
        func add(_ name: String, _ values: [Double]) {
            let s = SeedSummary(values)
            rows.append([name, "\(values.count)", Self.format(100 * s.mean), Self.format(100 * s.standardDeviation)])
        }
        let main = maps.filter { $0.model == mainModel }
        for model in models where model != mainModel {
            let pairs = maps.filter { $0.model == model }.compactMap { m in
                main.first { $0.seed == m.seed }.map { TransferDiagnostics.overlap(m.ambiguous, $0.ambiguous) }
            }
            if !pairs.isEmpty { add("\(model) vs \(mainModel), same seed", pairs) }
        }
        var acrossSeeds: [Double] = []
        for (i, a) in main.enumerated() { for b in main[(i + 1)...] { acrossSeeds.append(TransferDiagnostics.overlap(a.ambiguous, b.ambiguous)) } }
        if !acrossSeeds.isEmpty { add("\(mainModel) seed vs seed", acrossSeeds) }
        rows.append(["random subsets (expectation)", "", Self.format(100 * Self.ambiguousRate), ""])
        return PaperTable(name: "figure1a_\(stem)_summary", header: ["pair", "pairs", "overlap_pct", "overlap_pct_std"], rows: rows)
    }

    /// Figure 2: per reference model (mean over its seeds), the per-epoch median gold probability of the
    /// hard-to-learn 25 % (bottom confidence) and of the rest.
    public func medianCurves() throws -> (table: PaperTable, svg: String) {
        var series: [DiagnosticPlots.Series] = []
        var rows: [[String]] = []
        for model in models {
            let curves = try maps.filter { $0.model == model }.map {
                try TransferDiagnostics.hardToLearnMedians($0.dynamics, rate: Self.hardRate)
            }
            let epochs = curves.map(\.hard.count).min() ?? 0
            let hard = (0..<epochs).map { e in SeedSummary(curves.map { $0.hard[e] }).mean }
            let rest = (0..<epochs).map { e in SeedSummary(curves.map { $0.rest[e] }).mean }
            series.append(.init(name: "\(model): hard 25 %", values: hard))
            series.append(.init(name: "\(model): rest", values: rest, dashed: true))
            for e in 0..<epochs {
                rows.append([model, "\(curves.count)", "\(e + 1)", Self.format(hard[e], digits: 4), Self.format(rest[e], digits: 4)])
            }
        }
        let table = PaperTable(name: "figure2_\(stem)", header: ["ref_model", "seeds", "epoch", "median_p_gold_hard25", "median_p_gold_rest"],
                               rows: rows)
        return (table, DiagnosticPlots.curves(series, title: "Median p(gold) per epoch (\(experiment))"))
    }

    static func format(_ x: Double, digits: Int = 2) -> String {
        x.isFinite ? String(format: "%.\(digits)f", x) : ""
    }
}
