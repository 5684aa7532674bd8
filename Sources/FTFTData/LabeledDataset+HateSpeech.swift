// Readers for the hate-speech files: CAD v1.1 and DynaHate. Both map to not-hateful 0, hateful 1.

/// DynaHate's two kinds of entry per round (Vidgen et al. 2021b): original entries (round "{R}a") and their
/// contrast perturbations (round "{R}b"). Round 1 has no perturbations.
public enum DynaHateLevel: String, Sendable, Hashable, CaseIterable {
    case original
    case perturbation

    /// The letter after the round number in DynaHate's `round` column.
    public var roundSuffix: String { self == .original ? "a" : "b" }
}

extension LabeledDataset {
    /// CAD v1.1 primary categories (Vidgen et al. 2021, codebook April 2021). `Slur` is in the codebook but
    /// occurs in none of the files here.
    public static let cadCategories = ["Neutral", "IdentityDirectedAbuse", "AffiliationDirectedAbuse",
                                       "PersonDirectedAbuse", "CounterSpeech", "Slur"]

    /// The Contextual Abuse Dataset v1.1 as a TSV with header `id`, `text`, `labels` (comma-separated primary
    /// categories, one or more). Binary, as the paper frames it (method.md §6.3): **hateful (1) iff the labels
    /// contain IdentityDirectedAbuse**, otherwise 0. An unknown category is an error. Metadata: `cad_labels`
    /// (the original list). Empty texts are kept (one post in these files has an empty body).
    ///
    /// ftft uses the official CAD v1.1 train/dev/test splits as given. FTFT itself most likely used
    /// Ramponi & Tonelli's (2022) re-split (their cleaning, merged annotations, a 10-fold stratified split with
    /// seed 42), which is not available here; numbers on CAD are therefore not directly comparable.
    public static func readCAD(path: String, name: String = "cad") throws -> LabeledDataset {
        let table = try DelimitedReader(path: path, dialect: .tsv)
        let id = try table.column("id"), text = try table.column("text"), labels = try table.column("labels")
        var builder = DatasetBuilder(path: path, idField: "id")
        while let (line, fields) = try table.next() {
            let categories = fields[labels].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for category in categories where !cadCategories.contains(category) {
                throw DatasetError.unknownLabel(path: path, line: line, field: "labels", value: category, known: cadCategories)
            }
            try builder.append(TextExample(
                id: fields[id], text: fields[text], label: categories.contains("IdentityDirectedAbuse") ? 1 : 0,
                line: line, metadata: ["cad_labels": fields[labels]]))
        }
        return try builder.finish(name: name, labelNames: LabelNames.hateSpeech)
    }

    /// DynaHate (Vidgen et al. 2021b) as its CSV release: RFC 4180 quoting, header with at least `acl.id`
    /// (id), `text`, `label` ∈ {hate, nothate} (hate → 1) and `round` ∈ {1, 2a, 2b, 3a, 3b, 4a, 4b}.
    /// `rounds` keeps only rows whose `round` value is in the set (nil keeps all). Metadata: `round`, and
    /// `type`, `target`, `level` where the columns exist.
    public static func readDynaHate(path: String, name: String = "dynahate", rounds: Set<String>? = nil) throws -> LabeledDataset {
        let table = try DelimitedReader(path: path, dialect: .csv)
        let id = try table.column("acl.id"), text = try table.column("text")
        let label = try table.column("label"), round = try table.column("round")
        let extras = ["type", "target", "level"].compactMap { key in table.header.firstIndex(of: key).map { (key, $0) } }
        var builder = DatasetBuilder(path: path, idField: "acl.id")
        while let (line, fields) = try table.next() {
            // Every row is checked, kept or not, so a malformed file fails whatever subset is asked for.
            let value = try labelIndex(fields[label], in: ["nothate", "hate"], path: path, line: line, field: "label")
            guard rounds?.contains(fields[round]) ?? true else { continue }
            var metadata = ["round": fields[round]]
            for (key, column) in extras { metadata[key] = fields[column] }
            try builder.append(TextExample(id: fields[id], text: fields[text], label: value, line: line, metadata: metadata))
        }
        let wanted = rounds.map { $0.sorted().joined(separator: ", ") } ?? "any"
        return try builder.finish(name: name, labelNames: LabelNames.hateSpeech,
                                  emptyReason: "no examples with round \(wanted)")
    }

    /// One of the paper's six out-of-distribution sets: DynaHate round `round` (2…4), original (`{R}a`) or
    /// perturbation (`{R}b`) entries, named `dynahate_r{R}_{level}` unless `name` is given (method.md §6.3).
    public static func readDynaHate(path: String, round: Int, level: DynaHateLevel, name: String? = nil) throws -> LabeledDataset {
        try readDynaHate(path: path, name: name ?? "dynahate_r\(round)_\(level.rawValue)",
                         rounds: ["\(round)\(level.roundSuffix)"])
    }
}
