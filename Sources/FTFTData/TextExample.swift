/// One labelled classification example: a single text, or a sentence pair (premise, hypothesis).
///
/// `label` is a class index into the owning `LabeledDataset.labelNames`. `line` is the 1-based line where the
/// record starts in its source file (0 for generated examples), so messages and analyses can point back to it.
/// `metadata` keeps the extra fields a reader documents (e.g. MultiNLI's BERT-correct count, HANS heuristic,
/// DynaHate round); keys are listed on each reader.
public struct TextExample: Sendable, Hashable {
    public var id: String
    public var text: String
    public var textPair: String?
    public var label: Int
    public var line: Int
    public var metadata: [String: String]

    public init(id: String, text: String, textPair: String? = nil, label: Int, line: Int = 0,
                metadata: [String: String] = [:]) {
        self.id = id
        self.text = text
        self.textPair = textPair
        self.label = label
        self.line = line
        self.metadata = metadata
    }
}

/// A whole data set, in file order. Readers return it complete or throw: never a prefix.
public struct LabeledDataset: Sendable, Hashable {
    /// The set's name in a task, e.g. `mnli`, `anli_r1`, `dynahate_r2_original`.
    public var name: String
    /// Class names; `labelNames[example.label]` names an example's class.
    public var labelNames: [String]
    public var examples: [TextExample]
    /// The file the set was read from (nil for generated sets).
    public var sourcePath: String?

    public init(name: String, labelNames: [String], examples: [TextExample], sourcePath: String? = nil) {
        self.name = name
        self.labelNames = labelNames
        self.examples = examples
        self.sourcePath = sourcePath
    }

    public var count: Int { examples.count }
    public var classCount: Int { labelNames.count }
    public var labels: [Int] { examples.map(\.label) }

    /// Number of examples per class, indexed by label: [classCount].
    public func labelCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: labelNames.count)
        for example in examples where counts.indices.contains(example.label) { counts[example.label] += 1 }
        return counts
    }

    /// The same set restricted to `indices` (kept in the order given), under a new name.
    public func subset(_ indices: [Int], name: String) -> LabeledDataset {
        LabeledDataset(name: name, labelNames: labelNames, examples: indices.map { examples[$0] },
                       sourcePath: sourcePath)
    }
}

/// Label maps used by the paper's tasks (method.md §6.2, §6.3). The index of a name is its class id.
public enum LabelNames {
    /// NLI: entailment 0, neutral 1, contradiction 2 (FTFT `dataloader.py` L128, L140).
    public static let nli = ["entailment", "neutral", "contradiction"]
    /// HANS: entailment 0, non-entailment 1. A 3-class prediction maps through `Metrics.hansBinarized`.
    public static let hans = ["entailment", "non-entailment"]
    /// The embedded task (`EmbeddedTask`): negative 0, positive 1.
    public static let sentiment = ["negative", "positive"]
    /// Hate-speech detection: not hateful 0, hateful 1.
    public static let hateSpeech = ["not-hateful", "hateful"]
}
