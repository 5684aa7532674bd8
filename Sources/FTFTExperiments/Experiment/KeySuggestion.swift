import Foundation

/// "Did you mean" for experiment-file keys: the candidates are the keys the parser asked for at that place in the
/// file (so suggestions cannot drift from the schema), and Hugging Face `TrainingArguments` names a user may bring
/// along map to ours.
public enum KeySuggestion {
    /// Hugging Face `TrainingArguments` (and config) names → this schema's key.
    static let huggingFaceNames: [String: String] = [
        "warmup_ratio": "warmup_rate",
        "per_device_train_batch_size": "batch_size",
        "train_batch_size": "batch_size",
        "per_device_eval_batch_size": "eval_batch_size",
        "num_train_epochs": "max_steps",
        "eval_steps": "eval_interval",
        "adam_epsilon": "adam_eps",
        "max_seq_length": "max_length",
        "seed": "seeds",
        "lr": "learning_rate",
    ]

    /// The message after "unknown key; ", or nil when nothing is close.
    static func suggestion(for key: String, candidates: Set<String>) -> String? {
        if let ours = huggingFaceNames[key], candidates.contains(ours) {
            if key == "num_train_epochs" {
                return "ftft counts optimizer updates, not epochs: use max_steps (epochs × ⌈examples / batch_size⌉)"
            }
            return "did you mean \(ours)? (\(key) is Hugging Face's name for it)"
        }
        let ranked = candidates.map { ($0, distance(key, $0)) }.filter { isClose($1, key, $0) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return ranked.first.map { "did you mean \($0.0)?" }
    }

    /// True when `written` is within the typo distance of `key` (and not the key itself).
    public static func isLikelyTypo(_ written: String, of key: String) -> Bool {
        written != key && isClose(distance(written, key), written, key)
    }

    /// At most 1 edit for keys up to 4 characters, 2 up to 8, 3 beyond; a different key entirely is not close.
    static func isClose(_ d: Int, _ a: String, _ b: String) -> Bool {
        let n = max(a.count, b.count)
        return d > 0 && d <= (n <= 4 ? 1 : n <= 8 ? 2 : 3)
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions, each edit costing 1).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }
}

/// Records every (place, key) the parser asks for while it reads a file, for the schema reference's drift test
/// (`ExperimentSchema`): set it for one parse with `SchemaRecorder.$current.withValue(recorder) { … }`.
final class SchemaRecorder: @unchecked Sendable {
    @TaskLocal static var current: SchemaRecorder?

    private var pairs = Set<String>()
    private let lock = NSLock()

    /// `path` is the mapping's key path (`methods[2]`, `models.tiny.scratch`); list indices and model names are
    /// replaced by `[]` and `<name>` so that every file records the same places.
    func record(path: String, key: String) {
        let place = Self.pattern(path)
        let entry = place.isEmpty ? key : place == "models" ? "models.<name>" : place + "." + key
        lock.lock()
        pairs.insert(entry)
        lock.unlock()
    }

    var keyPaths: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return pairs
    }

    static func pattern(_ path: String) -> String {
        var parts = path.split(separator: ".").map(String.init)
        for (i, part) in parts.enumerated() {
            if let bracket = part.firstIndex(of: "[") { parts[i] = part[..<bracket] + "[]" }
            if i == 1, parts[0] == "models" { parts[i] = "<name>" }
        }
        return parts.joined(separator: ".")
    }
}
