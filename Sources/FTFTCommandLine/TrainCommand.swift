import ArgumentParser
import Foundation
import FTFTData
import FTFTExperiments
import FTFTTensors

/// `ftft train`: one ERM run (optionally early-stopped) of one model on one task.
public struct TrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fine-tune one model on a task with ERM (one run per seed), recording dynamics, evaluations and compute.",
        discussion: """
            The same as `ftft run` on a one-method experiment file (which is written to <output>/<name>/experiment.json); \
            for DM, Random DM, FTFT and comparisons, write an experiment file. Its reference-run reuse applies: the \
            run lands in the store of <output>/<name> and a later experiment there reuses it. Give --model for a \
            pretrained Hugging Face BERT directory or --scratch for a model trained from scratch.
            """)

    @Option(name: .long, help: "embedded, nli or hsd.")
    var task: String = "embedded"

    @Option(name: .customLong("data-root"), help: "Folder of the nli/hsd data (default: $FTFT_DATA, else ../shared/datasets).")
    var dataRoot: String?

    @Option(name: .customLong("max-length"), help: "Truncation length in tokens.")
    var maxLength: Int = 128

    @Option(name: .customLong("train-limit"), help: "Train on a seeded stratified sample of this many examples.")
    var trainLimit: Int?

    @Option(name: .customLong("eval-limit"), help: "Evaluate on at most this many examples of each set (seeded stratified sample).")
    var evalLimit: Int?

    @Option(name: .long, help: "A pretrained Hugging Face BERT model directory.")
    var model: String?

    @Option(name: .long, help: "A model from scratch: layers,hidden,heads,intermediate (e.g. 2,64,4,256).")
    var scratch: String?

    @Option(name: .long, help: "Tokenizer for a scratch model on nli/hsd (vocab.txt, tokenizer.json or a model directory).")
    var tokenizer: String?

    @Option(name: .customLong("learning-rate"), help: "Peak learning rate.")
    var learningRate: Double

    @Option(name: .customLong("max-steps"), help: "Optimizer updates.")
    var maxSteps: Int

    @Option(name: .customLong("eval-interval"), help: "Evaluate every this many updates (and at the last).")
    var evalInterval: Int

    @Option(name: .customLong("batch-size"), help: "Training batch size.")
    var batchSize: Int = 32

    @Option(name: .long, help: "Training batches: random (FTFT's) or length_grouped (shuffled, then sorted by length within mega-batches of --mega-batch-mult batches; far less padding).")
    var batching: String = "random"

    @Option(name: .customLong("mega-batch-mult"), help: "With --batching length_grouped: batches per mega-batch (k). (default: 50)")
    var megaBatchMult: Int?

    @Option(name: .long, help: "Which sets at which checkpoints: reported (the OOD dev sets at every checkpoint, the others where a checkpoint can be reported) or every_checkpoint (learning curves of every set).")
    var evaluation: String = "reported"

    @Option(name: .customLong("eval-order"), help: "Evaluation batches in length order (less padding) or data_set order (FTFT's loop).")
    var evalOrder: String = "length"

    @Option(name: .customLong("eval-batch-tokens"), help: "At most this many padded tokens per evaluation batch (0: no bound). (default: 8192)")
    var evalBatchTokens: Int?

    @Option(name: .customLong("eval-batch-size"), help: "At most this many examples per evaluation batch (default: no bound; FTFT's loop: 64 with --eval-order data_set).")
    var evalBatchSize: Int?

    @Option(name: .long, help: "Stop early after this many evaluations without improvement of the mean OOD-dev metric.")
    var patience: Int?

    @Option(name: .long, help: "Seeds, comma-separated.")
    var seeds: String = "0"

    @Option(name: .long, help: "Threads (ftft's and OpenBLAS's; default: the cores available, $SLURM_CPUS_PER_TASK inside a Slurm job).")
    var threads: Int = ThreadCount.available()

    @Option(name: .long, help: "Folder of experiment folders.")
    var output: String = "runs"

    @Option(name: .long, help: "Experiment name (its folder).")
    var name: String = "train"

    @OptionGroup var log: LogOptions

    public init() {}

    public func validate() throws {
        guard ["embedded", "nli", "hsd"].contains(task) else { throw ValidationError("--task must be embedded, nli or hsd") }
        guard (model == nil) != (scratch == nil) else { throw ValidationError("give exactly one of --model and --scratch") }
        if let scratch, scratchDimensions(scratch) == nil {
            throw ValidationError("--scratch must be four positive integers: layers,hidden,heads,intermediate")
        }
        if threads < 1 { throw ValidationError("--threads must be positive") }
        guard parseSeeds(seeds) != nil else { throw ValidationError("--seeds must be non-negative integers separated by commas") }
        guard ["random", "length_grouped"].contains(batching) else { throw ValidationError("--batching must be random or length_grouped") }
        if megaBatchMult != nil && batching != "length_grouped" {
            throw ValidationError("--mega-batch-mult needs --batching length_grouped")
        }
        if let megaBatchMult, megaBatchMult < 1 { throw ValidationError("--mega-batch-mult must be positive") }
        guard ["reported", "every_checkpoint"].contains(evaluation) else {
            throw ValidationError("--evaluation must be reported or every_checkpoint")
        }
        guard ["length", "data_set"].contains(evalOrder) else { throw ValidationError("--eval-order must be length or data_set") }
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

    /// The one-method experiment file this command stands for.
    func yaml() -> String {
        var task = "{name: \(self.task), max_length: \(maxLength)"
        if let dataRoot { task += ", data_root: \"\(dataRoot)\"" }
        if let trainLimit { task += ", train_limit: \(trainLimit)" }
        if let evalLimit { task += ", eval_limit: \(evalLimit)" }
        task += "}"
        var model: String
        if let scratch, let d = scratchDimensions(scratch) {
            model = "{scratch: {layers: \(d[0]), hidden: \(d[1]), heads: \(d[2]), intermediate: \(d[3])}"
        } else {
            model = "{pretrained: \"\(self.model ?? "")\""
        }
        model += ", learning_rate: \(learningRate)"
        if let tokenizer { model += ", tokenizer: \"\(tokenizer)\"" }
        model += "}"
        let method = patience.map { "{label: \"ERM(ES)\", method: erm_es, model: main, patience: \($0)}" }
            ?? "{label: \"ERM\", method: erm, model: main}"
        return """
            experiment: \(name)
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

    /// The experiment file's `training` mapping.
    func training() -> String {
        var keys = ["max_steps: \(maxSteps)", "batch_size: \(batchSize)", "eval_interval: \(evalInterval)",
                    "batching: \(batching)", "evaluation: \(evaluation)", "eval_order: \(evalOrder)"]
        if let megaBatchMult { keys.append("mega_batch_mult: \(megaBatchMult)") }
        if let evalBatchTokens { keys.append("eval_batch_tokens: \(evalBatchTokens == 0 ? "null" : String(evalBatchTokens))") }
        if let evalBatchSize { keys.append("eval_batch_size: \(evalBatchSize)") }
        return "{" + keys.joined(separator: ", ") + "}"
    }

    public func run() throws {
        try reportingErrors {
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: nil), source: .option)
            var spec = try ExperimentSpec.parse(yaml: yaml(), file: "ftft train", baseDirectory: FileManager.default.currentDirectoryPath)
            spec.blasKernel = blasKernel.requested(fromFile: nil)
            let results = try ExperimentSession.run(spec, outputDirectory: output, specFile: nil,
                                                    printer: log.printer())
            Standard.output(ExperimentReport(results: results).plain())
        }
    }
}
