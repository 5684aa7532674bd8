import Foundation

/// A rerun's per-seed table against a committed one (`ftft tables --verify`, `scripts/reproduce.sh`): for every
/// seed, "identical" or each differing cell. Rows are matched by (method row, seed); run ids are not compared
/// (they name rows of a store, not results).
public struct PerSeedComparison: Sendable, Equatable {
    public struct Difference: Sendable, Equatable {
        public var seed: String
        public var method: String
        public var column: String
        public var committed: String
        public var rerun: String
    }

    public var seeds: [String]
    public var differences: [Difference]
    /// Rows of the committed table with no row of the same method and seed in the rerun, and the reverse.
    public var missingInRerun: [String]
    public var extraInRerun: [String]
    /// The seed of each entry of `missingInRerun`.
    var missingSeeds: [String] = []

    static let ignoredColumns: Set<String> = ["main_run", "reference_run"]

    public var identical: Bool { differences.isEmpty && missingInRerun.isEmpty && extraInRerun.isEmpty }

    /// Compares two per-seed CSV texts (`PaperTable.perSeedTable()`).
    public init(committed: String, rerun: String) throws {
        let (committedHeader, committedRows) = PaperTable.parseCSV(committed)
        let (rerunHeader, rerunRows) = PaperTable.parseCSV(rerun)
        for (header, which) in [(committedHeader, "committed"), (rerunHeader, "rerun")] {
            guard header.contains("seed"), header.contains("method"), header.contains("row") else {
                throw ExperimentError.invalidValue(file: which, path: "header", line: 1,
                                                   reason: "not a per-seed table (no row, method and seed columns)")
            }
        }
        func key(_ header: [String], _ row: [String]) -> String {
            func value(_ column: String) -> String { header.firstIndex(of: column).map { row.indices.contains($0) ? row[$0] : "" } ?? "" }
            return "\(value("row"))|\(value("method"))|\(value("seed"))"
        }
        let rerunByKey = Dictionary(rerunRows.map { (key(rerunHeader, $0), $0) }, uniquingKeysWith: { a, _ in a })
        let committedKeys = Set(committedRows.map { key(committedHeader, $0) })
        var differences: [Difference] = [], missing: [String] = [], seeds: [String] = [], missingSeeds: [String] = []
        let seedColumn = committedHeader.firstIndex(of: "seed") ?? 0, methodColumn = committedHeader.firstIndex(of: "method") ?? 0
        for row in committedRows {
            let seed = row.indices.contains(seedColumn) ? row[seedColumn] : "", method = row.indices.contains(methodColumn) ? row[methodColumn] : ""
            if !seeds.contains(seed) { seeds.append(seed) }
            guard let other = rerunByKey[key(committedHeader, row)] else {
                missing.append("\(method), seed \(seed)")
                missingSeeds.append(seed)
                continue
            }
            for (i, column) in committedHeader.enumerated() where !Self.ignoredColumns.contains(column) {
                let mine = row.indices.contains(i) ? row[i] : ""
                let theirs = rerunHeader.firstIndex(of: column).map { other.indices.contains($0) ? other[$0] : "" } ?? "(no column)"
                if mine != theirs {
                    differences.append(Difference(seed: seed, method: method, column: column, committed: mine, rerun: theirs))
                }
            }
        }
        self.seeds = seeds
        self.missingSeeds = missingSeeds
        self.differences = differences
        missingInRerun = missing
        extraInRerun = rerunRows.filter { !committedKeys.contains(key(rerunHeader, $0)) }.map { key(rerunHeader, $0) }
    }

    /// One line per seed ("seed 0: identical", or "seed 0: N cells differ" followed by each), then rows present on
    /// one side only.
    public var report: String {
        var lines: [String] = []
        for seed in seeds {
            let mine = differences.filter { $0.seed == seed }
            let absent = missingSeeds.filter { $0 == seed }.count
            if absent > 0 {
                // A seed with rows missing in the rerun is not identical, whatever its other rows say.
                lines.append("seed \(seed): \(absent) row(s) missing in the rerun" + (mine.isEmpty ? "" : ", \(mine.count) cell(s) differ"))
                lines += mine.map { "  \($0.method): \($0.column) committed \($0.committed.isEmpty ? "(empty)" : $0.committed), rerun \($0.rerun.isEmpty ? "(empty)" : $0.rerun)" }
            } else if mine.isEmpty {
                lines.append("seed \(seed): identical")
            } else {
                lines.append("seed \(seed): \(mine.count) cell(s) differ")
                lines += mine.map { "  \($0.method): \($0.column) committed \($0.committed.isEmpty ? "(empty)" : $0.committed), rerun \($0.rerun.isEmpty ? "(empty)" : $0.rerun)" }
            }
        }
        lines += missingInRerun.map { "missing in the rerun: \($0)" }
        lines += extraInRerun.map { "only in the rerun: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
