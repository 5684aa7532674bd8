import Foundation
import Testing
import FTFTTestSupport
@testable import FTFTExperiments

/// The reference page of experiment files cannot drift from the parser: files that use every key are parsed while
/// the parser's questions are recorded, and the recorded key paths must be exactly the schema's. The committed
/// page must be the generated one. And misspelt or Hugging Face-named keys get a suggestion.
struct ExperimentSchemaTests {
    /// Files that between them make the parser ask for every key it knows (each branch: embedded, nli, files with
    /// and without a validation file, scratch and pretrained models, every method).
    static let files = [
        """
        experiment: all-embedded
        description: "every top-level key"
        task:
          name: embedded
          max_length: 40
          train_limit: 100
          eval_limit: 20
          sample_seed: 1
          embedded: {seed: 1, train_size: 200, validation_size: 40, ood_dev_size: 40, ood_test_size: 40, minimum_length: 10,
                     maximum_length: 16, maximum_sentiment_words: 7, maximum_margin: 1, sentiment_words_per_polarity: 40,
                     train_shortcut_breaking_fraction: 0.1, ood_shortcut_breaking_fraction: 0.5, label_noise: 0.1}
        seeds: [0]
        threads: 1
        compute_unit: large
        keep_checkpoints: false
        store_logits: true
        models:
          tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32, dropout: 0.1, initializer_range: 0.02}, learning_rate: 1e-3}
          large: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3, tokenizer: vocab.txt}
        training: {max_steps: 60, batch_size: 16, warmup_rate: 0.1, eval_interval: 10, eval_batch_size: 8, adam_eps: 1e-6,
                   weight_decay: 0, max_grad_norm: 1.0}
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "ERM(ES)", method: erm_es, model: large, patience: 3}
          - {label: "DM", method: dm, reference: tiny, model: large, mode: hard, rate: 0.25, rule: exact, ddof: 1}
          - {label: "Random DM", method: random_dm, model: large, rate: 0.3, rule: exact}
          - {label: "FTFT", method: ftft, reference: tiny, model: large, patience: 2}
        """,
        """
        experiment: all-nli
        task: {name: nli, data_root: data, validation_fraction: 0.2, split_seed: 0}
        seeds: [0]
        models:
          main: {pretrained: model, learning_rate: 1e-5}
        training: {max_steps: 6, eval_interval: 3}
        methods:
          - {method: erm, model: main}
        """,
        """
        experiment: all-files
        task:
          name: files
          labels: [neg, pos]
          metric: macro_f1
          train: {path: train.csv, format: csv, text: t, pair: p, label: l, id: i, name: mine}
          validation: {path: validation.csv, text: t, label: l}
          ood_dev: [{path: ood.jsonl, text: t, label: l}]
          ood_test: [{path: test.tsv, text: t, label: l}]
        seeds: [0]
        models:
          main: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3, tokenizer: vocab.txt}
        training: {max_steps: 6, eval_interval: 3}
        methods:
          - {method: erm, model: main}
        """,
        """
        experiment: files-split
        task:
          name: files
          labels: [neg, pos]
          train: {path: train.csv, text: t, label: l}
          validation_fraction: 0.2
          split_seed: 3
        seeds: [0]
        models:
          main: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3, tokenizer: vocab.txt}
        training: {max_steps: 6, eval_interval: 3}
        methods:
          - {method: erm, model: main}
        """,
    ]

    @Test func theSchemaListsExactlyTheKeysTheParserReads() {
        let recorder = SchemaRecorder()
        SchemaRecorder.$current.withValue(recorder) {
            for yaml in Self.files {
                // Missing files and folders fail validation after parsing: the questions are recorded by then.
                _ = try? ExperimentSpec.parse(yaml: yaml, file: "schema.yaml", baseDirectory: "/nonexistent", environment: [:])
            }
        }
        let read = recorder.keyPaths, documented = ExperimentSchema.parserKeyPaths
        #expect(read.subtracting(documented).isEmpty, "read by the parser, missing from ExperimentSchema: \(read.subtracting(documented).sorted())")
        #expect(documented.subtracting(read).isEmpty, "in ExperimentSchema, never read by the parser: \(documented.subtracting(read).sorted())")
    }

    @Test func theCommittedReferencePageIsTheGeneratedOne() throws {
        let page = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/experiment-files.md"), encoding: .utf8)
        #expect(page == ExperimentSchema.markdown, "docs/experiment-files.md is stale: regenerate it with `ftft schema > docs/experiment-files.md`")
    }

    static let base = """
        experiment: t
        task: {name: embedded, max_length: 40}
        seeds: [0]
        models:
          m: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3}
        training: {max_steps: 6, eval_interval: 3}
        methods:
          - {method: erm, model: m}
        """

    func message(_ yaml: String) -> String {
        do {
            _ = try ExperimentSpec.parse(yaml: yaml, file: "t.yaml", baseDirectory: "/tmp", environment: [:])
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func misspeltKeysGetASuggestion() {
        // A misspelt required key: the message names the key that is missing and the line of the misspelling.
        let typo = message(Self.base.replacingOccurrences(of: "learning_rate: 1e-3", with: "learnig_rate: 1e-3"))
        #expect(typo == "t.yaml:5: models.m.learning_rate: required key is missing; learnig_rate (line 5) is not a key; did you mean learning_rate?", "\(typo)")
        let unknown = message(Self.base.replacingOccurrences(of: "max_steps: 6,", with: "max_steps: 6, eval_batchsize: 8,"))
        #expect(unknown.hasSuffix("training.eval_batchsize: unknown key; did you mean eval_batch_size?"), "\(unknown)")
        let far = message(Self.base + "\nbananas: 3")
        #expect(far.hasSuffix("bananas: unknown key"), "\(far)")
    }

    @Test func huggingFaceNamesMapToOurs() {
        for (theirs, ours) in [("warmup_ratio", "warmup_rate"), ("per_device_train_batch_size", "batch_size"),
                               ("eval_steps", "eval_interval")] {
            let text = message(Self.base.replacingOccurrences(of: "max_steps: 6,", with: "max_steps: 6, \(theirs): 1,"))
            #expect(text.hasSuffix("training.\(theirs): unknown key; did you mean \(ours)? (\(theirs) is Hugging Face's name for it)"), "\(text)")
        }
        let epochs = message(Self.base.replacingOccurrences(of: "max_steps: 6,", with: "max_steps: 6, num_train_epochs: 3,"))
        #expect(epochs.contains("num_train_epochs: unknown key; ftft counts optimizer updates, not epochs: use max_steps"), "\(epochs)")
        let rate = message(Self.base.replacingOccurrences(of: "learning_rate: 1e-3}", with: "learning_rate: 1e-3, lr: 2}"))
        #expect(rate.hasSuffix("models.m.lr: unknown key; did you mean learning_rate? (lr is Hugging Face's name for it)"), "\(rate)")
    }
}
