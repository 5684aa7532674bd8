import Foundation
import FTFTData
import FTFTTensors
import Yams

// The experiment file (YAML). Its keys, values, defaults and meanings are listed in `ExperimentSchema`
// (docs/experiment-files.md, `ftft schema`), which a test keeps equal to what this parser reads. Any other key is an
// error naming its path and line, with a "did you mean" (`KeySuggestion`). Relative paths are relative to the
// experiment file's folder.
extension ExperimentSpec {
    /// Reads and validates an experiment file (YAML, or a resolved experiment written by `ftft submit slurm`,
    /// `ResolvedExperiment`). Every error names the file, the key path and the line.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ExperimentSpec {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ExperimentError.unreadableFile(file: path, reason: "cannot read it (\(error.localizedDescription))")
        }
        if let resolved = try ResolvedExperiment.experiment(from: data, file: path) { return resolved }
        guard let text = String(validating: data, as: UTF8.self) else {
            // Name the first line that is not UTF-8 (Foundation's own message says only "not in the correct format").
            var line = 1
            for part in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
                if String(validating: part, as: UTF8.self) == nil { break }
                line += 1
            }
            throw ExperimentError.unreadableFile(file: path, reason: "line \(line) is not valid UTF-8")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if path.lowercased().hasSuffix(".json"), let spec = try savedCopy(data, file: path) { return spec }
        return try parse(yaml: text, file: path, baseDirectory: folder, environment: environment)
    }

    /// The resolved copy `ftft run` saves beside the store (`<output>/<experiment>/experiment.json`), so that
    /// `ftft run <folder>/experiment.json` runs the saved configuration again; nil for JSON that is not such a copy
    /// (it is then read as YAML, of which JSON is a subset).
    static func savedCopy(_ data: Data, file: String) throws -> ExperimentSpec? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["name"] != nil,
              object["methods"] != nil, object["experiment"] == nil else { return nil }
        let spec: ExperimentSpec
        do {
            spec = try JSONDecoder().decode(ExperimentSpec.self, from: data)
        } catch let error as DecodingError {
            let reason: String
            switch error {
            case .keyNotFound(let key, let c): reason = "\((c.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")) is missing"
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                reason = "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
            @unknown default: reason = "\(error)"
            }
            throw ExperimentError.unreadableFile(file: file, reason: "not an experiment saved by this ftft: \(reason)")
        }
        try spec.validate(file: file, lines: [:])
        return spec
    }

    /// Parses experiment YAML; `file` names it in messages and `baseDirectory` anchors relative paths.
    public static func parse(yaml text: String, file: String, baseDirectory: String,
                             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ExperimentSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ExperimentError.unreadableFile(file: file, reason: "\(error)")
        }
        guard let root else { throw ExperimentError.unreadableFile(file: file, reason: "the file is empty") }
        var parser = SpecParser(file: file, baseDirectory: baseDirectory, environment: environment)
        let spec = try parser.experiment(try YAMLMapping(root, file: file, path: ""))
        try spec.validate(file: file, lines: parser.lines)
        return spec
    }
}

/// Turns the YAML tree into an `ExperimentSpec`, remembering where each key path was (for later messages).
struct SpecParser {
    let file: String
    let baseDirectory: String
    let environment: [String: String]
    /// Key path → line, for validation messages that come after parsing.
    var lines: [String: Int] = [:]

    mutating func note(_ value: YAMLValue) { if let line = value.line { lines[value.path] = line } }

    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst(1) }
        return URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    mutating func experiment(_ m: YAMLMapping) throws -> ExperimentSpec {
        let name = try m.required("experiment").string()
        let summary = try m.optional("description")?.string()
        let task = try self.task(try m.required("task").mapping())
        let seedsValue = try m.required("seeds")
        note(seedsValue)
        let seeds = try seedsValue.list().map { v -> UInt64 in
            let s = try v.int()
            guard s >= 0 else { throw v.outOfRange("a seed must not be negative (got \(s))") }
            return UInt64(s)
        }
        let threadsValue = m.optional("threads")
        if let threadsValue { note(threadsValue) }
        let threads = try threadsValue?.int() ?? ThreadCount.available(environment: environment)
        let models = try self.models(try m.required("models"))
        let training = try self.training(try m.required("training").mapping())
        let methodsValue = try m.required("methods")
        note(methodsValue)
        let methods = try methodsValue.list().map { try method($0) }
        let unitValue = m.optional("compute_unit")
        if let unitValue { note(unitValue) }
        let defaultUnit = (methods.first { $0.kind == .ftft } ?? methods.first)?.model ?? ""
        let unit = try unitValue?.string() ?? defaultUnit
        let keep = try m.optional("keep_checkpoints")?.bool() ?? false
        let storeLogits = try m.optional("store_logits")?.bool() ?? true
        var blasKernel: String?
        if let kernelValue = m.optional("blas_kernel") {
            let requested = try kernelValue.string()
            guard let name = BLASKernel.canonicalName(requested) else {
                throw kernelValue.outOfRange("unknown OpenBLAS kernel \"\(requested)\" (known: "
                    + BLASKernel.requirements.map(\.name).joined(separator: ", ") + ")")
            }
            blasKernel = name
        }
        try m.finish()
        return ExperimentSpec(name: name, summary: summary, task: task, seeds: seeds, threads: threads, models: models,
                              training: training, methods: methods, computeUnit: unit, keepCheckpoints: keep,
                              storeLogits: storeLogits, blasKernel: blasKernel)
    }

    mutating func task(_ m: YAMLMapping) throws -> TaskSpec {
        let nameValue = try m.required("name")
        let name = try nameValue.choice(["embedded", "nli", "hsd", "files"])
        // Keys that belong to one kind of task only.
        let onlyFor: [String: [String]] = [
            "embedded": ["embedded"], "validation_fraction": ["nli", "files"], "split_seed": ["nli", "files"],
            "data_root": ["nli", "hsd"],
            "labels": ["files"], "metric": ["files"], "train": ["files"], "validation": ["files"], "ood_dev": ["files"],
            "ood_test": ["files"],
        ]
        for key in m.keys {
            if let allowed = onlyFor[key], !allowed.contains(name) {
                throw ExperimentError.invalidValue(file: file, path: YAMLMapping.join(m.path, key), line: m.line,
                                                   reason: "only for task \(allowed.joined(separator: " or ")), not \(name)")
            }
        }

        let kind: TaskSpec.Kind
        switch name {
        case "embedded":
            kind = .embedded(try m.optional("embedded").map { try embedded(try $0.mapping()) } ?? EmbeddedTaskConfig())
        case "nli":
            let fractionValue = m.optional("validation_fraction")
            let fraction = try fractionValue?.double() ?? 0.2
            if let fractionValue, !(fraction > 0 && fraction < 1) {
                throw fractionValue.outOfRange("the validation fraction must be in (0, 1) (got \(fraction))")
            }
            kind = .nli(validationFraction: fraction, splitSeed: UInt64(max(0, try m.optional("split_seed")?.int() ?? 0)))
        case "hsd":
            kind = .hsd
        default:
            kind = .files(try files(m))
        }
        var dataRoot: String?
        if let rootValue = m.optional("data_root") {
            dataRoot = resolve(try rootValue.string())
            note(rootValue)
        } else if name == "nli" || name == "hsd" {
            // FTFTData's default ($FTFT_DATA, $FTFT_SHARED/datasets, else ../shared/datasets) is relative to the
            // working directory, not to the experiment file.
            let root = TaskDefinition.defaultDataRoot(environment: environment)
            dataRoot = root.hasPrefix("/") ? root
                : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(root).standardizedFileURL.path
        }
        func positive(_ key: String) throws -> Int? {
            guard let value = m.optional(key) else { return nil }
            let n = try value.int()
            guard n >= 1 else { throw value.outOfRange("must be at least 1 (got \(n))") }
            return n
        }
        let maxLengthValue = m.optional("max_length")
        if let maxLengthValue { note(maxLengthValue) }
        let maxLength = try maxLengthValue?.int() ?? 128
        let trainLimit = try positive("train_limit")
        let evalLimit = try positive("eval_limit")
        let sampleSeed = try m.optional("sample_seed")?.int() ?? 0
        try m.finish()
        return TaskSpec(kind: kind, dataRoot: dataRoot, maxLength: maxLength, trainLimit: trainLimit, evalLimit: evalLimit,
                        sampleSeed: UInt64(max(0, sampleSeed)))
    }

    func embedded(_ m: YAMLMapping) throws -> EmbeddedTaskConfig {
        var c = EmbeddedTaskConfig()
        if let v = m.optional("seed") { c.seed = UInt64(max(0, try v.int())) }
        let sizes: [(String, WritableKeyPath<EmbeddedTaskConfig, Int>)] = [
            ("train_size", \.trainSize), ("validation_size", \.validationSize), ("ood_dev_size", \.oodDevSize),
            ("ood_test_size", \.oodTestSize), ("minimum_length", \.minimumLength), ("maximum_length", \.maximumLength),
            ("maximum_sentiment_words", \.maximumSentimentWords), ("maximum_margin", \.maximumMargin),
            ("sentiment_words_per_polarity", \.sentimentWordsPerPolarity),
        ]
        for (key, path) in sizes { if let v = m.optional(key) { c[keyPath: path] = try v.int() } }
        let fractions: [(String, WritableKeyPath<EmbeddedTaskConfig, Double>)] = [
            ("train_shortcut_breaking_fraction", \.trainShortcutBreakingFraction),
            ("ood_shortcut_breaking_fraction", \.oodShortcutBreakingFraction), ("label_noise", \.labelNoise),
        ]
        for (key, path) in fractions { if let v = m.optional(key) { c[keyPath: path] = try v.double() } }
        try m.finish()
        do {
            try c.validate()
        } catch let DatasetError.invalidConfiguration(field, reason) {
            let key = field.reduce(into: "") { out, ch in out += ch.isUppercase ? "_" + ch.lowercased() : String(ch) }
            throw ExperimentError.outOfRange(file: file, path: YAMLMapping.join(m.path, key), line: m.line, reason: reason)
        }
        return c
    }

    mutating func files(_ m: YAMLMapping) throws -> CustomTaskFiles {
        let train = try dataFile(try m.required("train"), defaultName: "train")
        let labels: [String]
        if let labelsValue = m.optional("labels") {
            labels = try labelsValue.list().map { try $0.string() }
            guard labels.count >= 2, Set(labels).count == labels.count else {
                throw labelsValue.invalid("at least two distinct label names are needed")
            }
        } else {
            // Class names from the training file's label values (sorted; integers numerically).
            guard FileManager.default.fileExists(atPath: train.path) else {
                throw ExperimentError.missingFile(file: file, path: YAMLMapping.join(m.path, "train.path"),
                                                  line: lines[YAMLMapping.join(m.path, "train.path")], missing: train.path)
            }
            labels = try LabeledDataset.labelValues(path: train.path, format: DataFileFormat(rawValue: train.format) ?? .jsonl,
                                                    labelField: train.labelField)
        }
        let metricValue = m.optional("metric")
        let metric = try metricValue.map { value -> Metric in
            guard let metric = Metric(rawValue: try value.choice(Metric.allCases.map(\.rawValue))) else {
                throw value.invalid("unknown metric")
            }
            return metric
        } ?? .accuracy
        let validation = try m.optional("validation").map { try dataFile($0, defaultName: "validation") }
        let fractionValue = m.optional("validation_fraction")
        if let fractionValue, validation != nil {
            throw fractionValue.invalid("only without validation: (the share of the training file held out for validation)")
        }
        let fraction = try fractionValue?.double() ?? 0.1
        if let fractionValue, !(fraction > 0 && fraction < 1) {
            throw fractionValue.outOfRange("the validation fraction must be in (0, 1) (got \(fraction))")
        }
        let splitSeed = UInt64(max(0, try m.optional("split_seed")?.int() ?? 0))
        let oodDev = try (m.optional("ood_dev")?.list() ?? []).enumerated().map { try dataFile($1, defaultName: "ood_dev_\($0)") }
        let oodTest = try (m.optional("ood_test")?.list() ?? []).enumerated().map { try dataFile($1, defaultName: "ood_test_\($0)") }
        return CustomTaskFiles(name: "files", labels: labels, metric: metric, train: train, validation: validation,
                               validationFraction: fraction, splitSeed: splitSeed, oodDev: oodDev, oodTest: oodTest)
    }

    mutating func dataFile(_ value: YAMLValue, defaultName: String) throws -> CustomTaskFiles.File {
        let m = try value.mapping()
        let pathValue = try m.required("path")
        note(pathValue)
        let path = resolve(try pathValue.string())
        let format: String
        if let f = m.optional("format") {
            format = try f.choice(DataFileFormat.allCases.map(\.rawValue))
        } else if let inferred = DataFileFormat(path: path) {
            format = inferred.rawValue
        } else {
            throw pathValue.invalid("cannot tell the format from the file name; add format: jsonl, csv or tsv")
        }
        let file = CustomTaskFiles.File(
            name: try m.optional("name")?.string() ?? defaultName, path: path, format: format,
            textField: try m.required("text").string(), pairField: try m.optional("pair")?.string(),
            labelField: try m.required("label").string(), idField: try m.optional("id")?.string())
        try m.finish()
        return file
    }
}
