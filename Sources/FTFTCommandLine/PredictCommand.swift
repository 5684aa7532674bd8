import ArgumentParser
import Foundation
import FTFTData
import FTFTExperiments
import FTFTIO

/// `ftft predict`: a trained classifier's predictions on a data file, one JSON line per example.
public struct PredictCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a BERT classifier: one JSON line per example (id, label, logits, probabilities).",
        discussion: """
            The model is a Hugging Face BERT classifier directory (config.json with num_labels and id2label, \
            model.safetensors, and vocab.txt or tokenizer.json) or an ftft training checkpoint (a .safetensors file \
            kept by `ftft run` with keep_checkpoints: true; give its --tokenizer). Each output line is \
            {"id", "label", "label_index", "gold" (when the data has labels), "logits", "probabilities"}.
            """)

    @Option(name: .long, help: "A model directory or an ftft checkpoint file.")
    var model: String

    @Option(name: .long, help: "The data file (gzip-compressed or not).")
    var data: String

    @OptionGroup var file: DataFileOptions

    @Option(name: .long, help: "Tokenizer: vocab.txt, tokenizer.json, a model directory, or 'embedded' (default: the model directory).")
    var tokenizer: String?

    @Option(name: .customLong("max-length"), help: "Truncate to this many tokens (default: the model's maximum).")
    var maxLength: Int?

    @Option(name: .customLong("batch-size"), help: "Examples per forward pass.")
    var batchSize: Int = 64

    @Option(name: .long, help: "Threads (ftft's and OpenBLAS's).")
    var threads: Int = 1

    @Option(name: .long, help: "Write here (atomically) instead of standard output.")
    var output: String?

    @OptionGroup var blasKernel: BLASKernelOptions

    public init() {}

    public func validate() throws {
        if let maxLength, maxLength < 2 { throw ValidationError("--max-length must be at least 2") }
        if batchSize < 1 { throw ValidationError("--batch-size must be positive") }
        if threads < 1 { throw ValidationError("--threads must be positive") }
    }

    public func run() throws {
        try reportingErrors {
            try BLASKernelPinning.apply(blasKernel.requested(fromFile: nil), source: .option)
            let predictor = try Predictor(modelPath: model, tokenizer: tokenizer, maxLength: maxLength,
                                          labelNames: nil)
            if !predictor.freshlyInitialized.isEmpty {
                Standard.error("ftft: warning: \(model) has no \(predictor.freshlyInitialized.joined(separator: ", ")); initialised at random, so these predictions mean nothing")
            }
            let set = try LabeledDataset.read(path: data, format: try file.format(path: data, modelLabels: predictor.labelNames),
                                              name: "data")
            let lines = try predictor.predict(set, batchSize: batchSize, threads: threads).map(predictor.jsonLine)
            let text = lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
            if let output { try AtomicFile.write(text, to: output) } else { Standard.output(text) }
        }
    }
}
