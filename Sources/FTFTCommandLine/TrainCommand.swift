import ArgumentParser
import Foundation
import FTFTData
import FTFTExperiments
import FTFTIO
import FTFTTensors
import FTFTTraining

/// `ftft train`: one ERM run (optionally early-stopped) of one model on a built-in task or on your own files.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune one model with ERM (one run per seed) on a built-in task or your own files, recording dynamics, evaluations and compute.",
        discussion: """
            Your own data: --train-file with --text-field and --label-field (--pair-field for pairs, --id-field for \
            ids), and optionally --validation-file (else a seeded 10 % of the training file is held out), \
            --ood-dev-file (repeatable: their mean metric drives --patience; without them the validation metric \
            does) and --test-file (repeatable). JSONL, CSV and TSV, gzip or not; class names from the training file \
            (sorted) or --label-names. The same as `ftft run` on a one-method experiment file (written to \
            <output>/<name>/experiment.json; `ftft run` on it runs it again); for DM, Random DM, FTFT and \
            comparisons, write an experiment file (see experiments/own-data.yaml). Give --model for a pretrained \
            Hugging Face BERT folder or --scratch for a model trained from scratch (with --tokenizer on your own data).
            """)

    @Option(name: .long, help: "A built-in task (not with --train-file).")
    var task: BuiltInTask?

    @Option(name: .customLong("train-file"), help: "Your training file (JSONL, CSV or TSV; gzip or not).")
    var trainFile: String?

    @Option(name: .customLong("validation-file"), help: "Your in-distribution validation file (default: a held-out share of the training file).")
    var validationFile: String?

    @Option(name: .customLong("ood-dev-file"), help: "An out-of-distribution dev file (repeatable); their mean metric is the early-stopping criterion.")
    var oodDevFiles: [String] = []

    @Option(name: .customLong("test-file"), help: "A test file (repeatable), evaluated and reported at every checkpoint.")
    var testFiles: [String] = []

    @OptionGroup var file: DataFileOptions

    @Option(name: .long, help: "Your files' metric.")
    var metric: Metric = .accuracy

    @Option(name: .customLong("validation-fraction"), help: "Without --validation-file: the share of the training file held out for validation (seeded, stratified).")
    var validationFraction: Double?

    @Option(name: .customLong("data-root"), help: "Folder of the nli/hsd data (default: $FTFT_DATA, else ../shared/datasets).")
    var dataRoot: String?

    @Option(name: .customLong("max-length"), help: "Truncation length in tokens.")
    var maxLength: Int = 128

    @Option(name: .customLong("train-limit"), help: "Train on a seeded stratified sample of this many examples.")
    var trainLimit: Int?

    @Option(name: .customLong("eval-limit"), help: "Evaluate on at most this many examples of each set (seeded stratified sample).")
    var evalLimit: Int?

    @Option(name: .long, help: "A pretrained Hugging Face BERT model folder.")
    var model: String?

    @Option(name: .long, help: "A model from scratch: layers,hidden,heads,intermediate (e.g. 2,64,4,256).")
    var scratch: String?

    @Option(name: .long, help: "Tokenizer (vocab.txt, tokenizer.json or a model folder): needed by a scratch model on anything but the embedded task.")
    var tokenizer: String?

    @Option(name: .customLong("learning-rate"), help: "Peak learning rate.")
    var learningRate: Double

    @Option(name: .customLong("max-steps"), help: "Optimizer updates.")
    var maxSteps: Int

    @Option(name: .customLong("eval-interval"), help: "Evaluate every this many updates (and at the last).")
    var evalInterval: Int

    @Option(name: .customLong("batch-size"), help: "Training batch size.")
    var batchSize: Int = 32

    @Option(name: .customLong("warmup-rate"), help: "Share of the updates with linear warmup.")
    var warmupRate: Double = 0.1

    @Option(name: .long, help: "Training batches: random (FTFT's) or length_grouped (shuffled, then sorted by length within mega-batches of --mega-batch-mult batches; far less padding).")
    var batching: BatchingOption = .random

    @Option(name: .customLong("mega-batch-mult"), help: "With --batching length_grouped: batches per mega-batch (k). (default: 50)")
    var megaBatchMult: Int?

    @Option(name: .long, help: "Which sets at which checkpoints: reported (the OOD dev sets at every checkpoint, the others where a checkpoint can be reported) or every_checkpoint (learning curves of every set).")
    var evaluation: EvaluationPolicy = .reported

    @Option(name: .customLong("eval-order"), help: "Evaluation batches in length order (less padding) or data_set order (FTFT's loop).")
    var evalOrder: EvaluationBatching.Order = .length

    @Option(name: .customLong("eval-batch-tokens"), help: "At most this many padded tokens per evaluation batch (0: no bound). (default: 8192)")
    var evalBatchTokens: Int?

    @Option(name: .customLong("eval-batch-size"), help: "At most this many examples per evaluation batch (default: no bound; FTFT's loop: 64 with --eval-order data_set).")
    var evalBatchSize: Int?

    @Option(name: .long, help: "Stop early after this many evaluations without improvement of the mean OOD-dev metric (the validation metric without OOD dev sets).")
    var patience: Int?

    @Option(name: .long, help: "Seeds, comma-separated.")
    var seeds: String = "0"

    @Option(name: .long, help: "Threads (default: the cores available, $SLURM_CPUS_PER_TASK inside a Slurm job).")
    var threads: Int = ThreadCount.available()

    @Option(name: .long, help: "Folder of experiment folders (created if needed).")
    var output: String = "runs"

    @Option(name: .long, help: "Experiment name (its folder).")
    var name: String = "train"

    @Option(name: .customLong("save-model"), help: ArgumentHelp(
        "Save the trained model here as a Hugging Face folder (config.json with id2label, model.safetensors, the tokenizer's files) that transformers' from_pretrained and `ftft predict --model` load; with several seeds, one subfolder per seed (seed-0, …).",
        valueName: "folder"))
    var saveModel: String?

    @Option(name: .long, help: "Which weights --save-model saves: best (the evaluation with the best criterion) or last (default: best with --patience, else last).")
    var keep: ModelKeep?

    @OptionGroup var log: LogOptions

    public init() {}

    var ownData: Bool { trainFile != nil }

    public func validate() throws {
        guard (model == nil) != (scratch == nil) else { throw ValidationError("give exactly one of --model and --scratch") }
        if let scratch, scratchDimensions(scratch) == nil {
            throw ValidationError("--scratch must be four positive integers: layers,hidden,heads,intermediate")
        }
        if threads < 1 { throw ValidationError("--threads must be positive") }
        if keep != nil, saveModel == nil { throw ValidationError("--keep says what --save-model saves: give --save-model") }
        if keep == ModelKeep.none { throw ValidationError("--keep must be best or last") }
        guard parseSeeds(seeds) != nil else { throw ValidationError("--seeds must be non-negative integers separated by commas") }
        if ownData {
            if task != nil { throw ValidationError("give --task or --train-file, not both") }
            if dataRoot != nil { throw ValidationError("--data-root is for --task nli and hsd; your files are named by their paths") }
            guard file.textField != nil, file.labelField != nil else {
                throw ValidationError("--train-file needs --text-field and --label-field (and --pair-field for pairs)")
            }
            if let format = file.format, DataFileFormat(rawValue: format) == nil {
                throw ValidationError("--format must be jsonl, csv or tsv for your own files")
            }
            for path in [trainFile] + [validationFile] + oodDevFiles.map(Optional.some) + testFiles.map(Optional.some) {
                guard let path else { continue }
                guard file.format != nil || DataFileFormat(path: path) != nil else {
                    throw ValidationError("cannot tell the format of \(path) from its name; give --format jsonl, csv or tsv")
                }
            }
            if validationFile != nil, validationFraction != nil {
                throw ValidationError("--validation-fraction is for a validation set held out of --train-file; not with --validation-file")
            }
            if scratch != nil, tokenizer == nil {
                throw ValidationError("--scratch on your own data needs --tokenizer (a vocab.txt, tokenizer.json or model folder)")
            }
        } else {
            let other = [("--validation-file", validationFile != nil), ("--ood-dev-file", !oodDevFiles.isEmpty),
                         ("--test-file", !testFiles.isEmpty), ("--text-field", file.textField != nil),
                         ("--label-field", file.labelField != nil), ("--pair-field", file.pairField != nil),
                         ("--id-field", file.idField != nil), ("--label-names", file.labelNames != nil),
                         ("--format", file.format != nil), ("--validation-fraction", validationFraction != nil)]
            if let (flag, _) = other.first(where: { $0.1 }) { throw ValidationError("\(flag) is for your own files: give --train-file") }
            if scratch != nil, tokenizer == nil, (task ?? .embedded) != .embedded {
                throw ValidationError("--scratch on --task \((task ?? .embedded).rawValue) needs --tokenizer (a vocab.txt, tokenizer.json or model folder)")
            }
        }
        if megaBatchMult != nil && batching != .lengthGrouped {
            throw ValidationError("--mega-batch-mult needs --batching length_grouped")
        }
        if let megaBatchMult, megaBatchMult < 1 { throw ValidationError("--mega-batch-mult must be positive") }
        if let evalBatchTokens, evalBatchTokens < 0 { throw ValidationError("--eval-batch-tokens must not be negative") }
        if evalBatchTokens == 0 && evalBatchSize == nil {
            throw ValidationError("--eval-batch-tokens 0 (no bound) needs --eval-batch-size")
        }
        if let evalBatchSize, evalBatchSize < 1 { throw ValidationError("--eval-batch-size must be positive") }
    }

    func scratchDimensions(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").compactMap { Int($0) }
        return values.count == 4 && values.allSatisfy({ $0 > 0 }) ? values : nil
    }

    /// A string as a YAML (JSON) double-quoted scalar, whatever it holds.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// A data file of the own-data task, named after its file (`anli_r1.jsonl` → anli_r1) when that is unique.
    func dataFile(_ path: String, name: String?) -> String {
        var entry = "{path: \(Self.quoted(path))"
        if let format = file.format { entry += ", format: \(format)" }
        entry += ", text: \(Self.quoted(file.textField ?? "")), label: \(Self.quoted(file.labelField ?? ""))"
        if let pair = file.pairField { entry += ", pair: \(Self.quoted(pair))" }
        if let id = file.idField { entry += ", id: \(Self.quoted(id))" }
        if let name { entry += ", name: \(Self.quoted(name))" }
        return entry + "}"
    }

    /// Set names from file names, when they are distinct from each other and from train/validation.
    static func setNames(_ paths: [String]) -> [String?] {
        let stems = paths.map { path -> String in
            var name = URL(fileURLWithPath: path).lastPathComponent
            for suffix in [".gz", ".jsonl", ".json", ".ndjson", ".csv", ".tsv", ".tab"] where name.lowercased().hasSuffix(suffix) {
                name.removeLast(suffix.count)
            }
            return name
        }
        let unique = Set(stems).count == stems.count && !stems.contains { ["train", "validation", ""].contains($0) }
        return unique ? stems : paths.map { _ in nil }
    }

    /// The one-method experiment file this command stands for.
    func yaml() -> String {
        var task: String
        if let trainFile {
            task = "{name: files, max_length: \(maxLength), metric: \(metric.rawValue), train: \(dataFile(trainFile, name: nil))"
            if let labels = file.labelNameList { task += ", labels: [\(labels.map(Self.quoted).joined(separator: ", "))]" }
            if let validationFile { task += ", validation: \(dataFile(validationFile, name: "validation"))" }
            if let validationFraction { task += ", validation_fraction: \(validationFraction)" }
            let devNames = Self.setNames(oodDevFiles), testNames = Self.setNames(testFiles)
            if !oodDevFiles.isEmpty {
                task += ", ood_dev: [" + zip(oodDevFiles, devNames).map { dataFile($0, name: $1) }.joined(separator: ", ") + "]"
            }
            if !testFiles.isEmpty {
                task += ", ood_test: [" + zip(testFiles, testNames).map { dataFile($0, name: $1) }.joined(separator: ", ") + "]"
            }
        } else {
            task = "{name: \((self.task ?? .embedded).rawValue), max_length: \(maxLength)"
            if let dataRoot { task += ", data_root: \(Self.quoted(dataRoot))" }
        }
        if let trainLimit { task += ", train_limit: \(trainLimit)" }
        if let evalLimit { task += ", eval_limit: \(evalLimit)" }
        task += "}"
        var model: String
        if let scratch, let d = scratchDimensions(scratch) {
            model = "{scratch: {layers: \(d[0]), hidden: \(d[1]), heads: \(d[2]), intermediate: \(d[3])}"
        } else {
            model = "{pretrained: \(Self.quoted(self.model ?? ""))"
        }
        model += ", learning_rate: \(learningRate)"
        if let tokenizer { model += ", tokenizer: \(Self.quoted(tokenizer))" }
        model += "}"
        let kept = saveModel == nil ? "" : ", keep: \(keptWeights.rawValue)"
        let method = patience.map { "{label: \"ERM(ES)\", method: erm_es, model: main, patience: \($0)\(kept)}" }
            ?? "{label: \"ERM\", method: erm, model: main\(kept)}"
        return """
            experiment: \(Self.quoted(name))
            task: \(task)
            seeds: [\(seeds)]
            threads: \(threads)
            models:
              main: \(model)
            training: \(training())
            methods:
              - \(method)
            """
    }

    @OptionGroup var blasKernel: BLASKernelOptions

    /// What names this command's experiment file in messages (replaced by the options' names; see `TrainOptionError`).
    static let pseudoFile = "ftft train"

    /// The experiment file's `training` mapping.
    func training() -> String {
        var keys = ["max_steps: \(maxSteps)", "batch_size: \(batchSize)", "warmup_rate: \(warmupRate)",
                    "eval_interval: \(evalInterval)",
                    "batching: \(batching.rawValue)", "evaluation: \(evaluation.rawValue)", "eval_order: \(evalOrder.rawValue)"]
        if let megaBatchMult { keys.append("mega_batch_mult: \(megaBatchMult)") }
        if let evalBatchTokens { keys.append("eval_batch_tokens: \(evalBatchTokens == 0 ? "null" : String(evalBatchTokens))") }
        if let evalBatchSize { keys.append("eval_batch_size: \(evalBatchSize)") }
        return "{" + keys.joined(separator: ", ") + "}"
    }

    public func run() throws {
        try reportingErrors {
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: nil), source: .option)
            var spec: ExperimentSpec
            do {
                spec = try ExperimentSpec.parse(yaml: yaml(), file: Self.pseudoFile,
                                                baseDirectory: FileManager.default.currentDirectoryPath)
            } catch let error as ExperimentError {
                throw TrainOptionError(error) ?? error
            }
            spec.blasKernel = blasKernel.requested(fromFile: nil)
            let results = try ExperimentSession.run(spec, outputDirectory: output, specFile: nil, printer: log.printer())
            Standard.output(ExperimentReport(results: results).plain())
            if let saveModel { try save(results, to: saveModel, seeds: spec.seeds) }
        }
    }

    /// What --save-model keeps.
    var keptWeights: ModelKeep { keep ?? (patience == nil ? .last : .best) }

    /// Copies each seed's kept model folder to --save-model (all files appear together).
    func save(_ results: ExperimentResults, to folder: String, seeds: [UInt64]) throws {
        let manifest = try ExperimentManifest.read(directory: results.directory)
        for seed in seeds {
            guard let entry = manifest.entries.first(where: { $0.seed == seed }), let kept = entry.model else {
                throw ExperimentError.unavailable(what: "the model of seed \(seed)", reason: "the run kept no weights")
            }
            let source = URL(fileURLWithPath: results.directory).appendingPathComponent(kept)
            let names = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
            let files = try names.map { name -> (name: String, data: Data) in
                guard let data = FileManager.default.contents(atPath: source.appendingPathComponent(name).path) else {
                    throw IOError.cannotOpen(path: source.appendingPathComponent(name).path, reason: "cannot read it")
                }
                return (name, data)
            }
            let target = seeds.count == 1 ? folder : URL(fileURLWithPath: folder).appendingPathComponent("seed-\(seed)").path
            try OutputFolder.write(files, to: target)
            Standard.output("\(entry.label) (seed \(seed)): \(keptWeights.rawValue) weights saved to \(target)\n")
        }
    }
}

/// An error in the experiment `ftft train` builds from its options, said in terms of those options
/// (`--scratch: …` instead of `ftft train:6: models.main.scratch.heads: …`).
struct TrainOptionError: UserFacingError {
    let option: String
    let problem: String
    let exitStatus: ExitStatus

    var description: String { "\(option): \(problem)" }

    /// Key paths of the generated file → options, most specific first.
    static let options: [(prefix: String, option: String)] = [
        ("task.labels", "--label-names"), ("task.metric", "--metric"), ("task.validation_fraction", "--validation-fraction"),
        ("task.max_length", "--max-length"), ("task.train_limit", "--train-limit"), ("task.eval_limit", "--eval-limit"),
        ("task.data_root", "--data-root"), ("task.train", "--train-file"), ("task.validation", "--validation-file"),
        ("task.ood_dev", "--ood-dev-file"), ("task.ood_test", "--test-file"), ("task", "--task"),
        ("models.main.scratch", "--scratch"), ("models.main.pretrained", "--model"), ("models.main.learning_rate", "--learning-rate"),
        ("models.main.tokenizer", "--tokenizer"), ("models", "--model/--scratch"),
        ("training.max_steps", "--max-steps"), ("training.eval_interval", "--eval-interval"), ("training.batch_size", "--batch-size"),
        ("training.warmup_rate", "--warmup-rate"), ("training.batching", "--batching"),
        ("training.mega_batch_mult", "--mega-batch-mult"), ("training.evaluation", "--evaluation"),
        ("training.eval_order", "--eval-order"), ("training.eval_batch_tokens", "--eval-batch-tokens"),
        ("training.eval_batch_size", "--eval-batch-size"), ("methods[0].patience", "--patience"), ("seeds", "--seeds"),
        ("threads", "--threads"), ("experiment", "--name"),
    ]

    /// Data-file fields → their options, wherever the file sits in the task.
    static let fieldOptions = [".text": "--text-field", ".label": "--label-field", ".pair": "--pair-field",
                               ".id": "--id-field", ".format": "--format"]

    init?(_ error: ExperimentError) {
        guard let place = error.place, place.file == TrainCommand.pseudoFile else { return nil }
        let path = place.path
        if path.hasPrefix("task."), let field = Self.fieldOptions.first(where: { path.hasSuffix($0.key) }) {
            option = field.value
        } else if let match = Self.options.first(where: { path == $0.prefix || path.hasPrefix($0.prefix + ".") || path.hasPrefix($0.prefix + "[") }) {
            option = match.option
        } else {
            option = path
        }
        problem = place.problem
        exitStatus = error.exitStatus
    }
}
