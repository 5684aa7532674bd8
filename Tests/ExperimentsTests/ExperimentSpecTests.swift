import Foundation
import Testing
import FTFTData
import FTFTTestSupport
import FTFTTraining
@testable import FTFTExperiments

/// The experiment file: what it accepts, and every kind of bad input it must refuse before any training —
/// naming the key path and the line.
struct ExperimentSpecTests {
    static let valid = """
        experiment: spec-test
        task: {name: embedded, max_length: 40, embedded: {train_size: 200, label_noise: 0.05}}
        seeds: [0, 1]
        threads: 1
        models:
          tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3}
          large:
            scratch: {layers: 2, hidden: 32, heads: 4, intermediate: 64, dropout: 0.0}
            learning_rate: 5e-4
        training: {max_steps: 60, batch_size: 16, warmup_rate: 0.1, eval_interval: 10, adam_eps: 1e-6}
        methods:
          - {label: "ERM", method: erm, model: large}
          - {label: "ERM(ES)", method: erm_es, model: large, patience: 3}
          - {label: "DM", method: dm, reference: tiny, model: large, mode: hard, rate: 0.25, rule: exact}
          - {label: "Random DM", method: random_dm, model: large}
          - {label: "FTFT", method: ftft, reference: tiny, model: large}
        """

    static func parse(_ yaml: String, base: String = "/tmp") throws -> ExperimentSpec {
        try ExperimentSpec.parse(yaml: yaml, file: "test.yaml", baseDirectory: base, environment: [:])
    }

    /// `yaml` with the line containing `old` replaced by `new`.
    static func edited(_ old: String, _ new: String) -> String {
        valid.replacingOccurrences(of: old, with: new)
    }

    @Test func readsEveryFieldWithThePapersDefaults() throws {
        let spec = try Self.parse(Self.valid)
        #expect(spec.name == "spec-test")
        #expect(spec.seeds == [0, 1])
        guard case .embedded(let config) = spec.task.kind else { Issue.record("not embedded"); return }
        #expect(config.trainSize == 200 && config.labelNoise == 0.05 && config.validationSize == EmbeddedTaskConfig().validationSize)
        #expect(spec.task.maxLength == 40)
        #expect(spec.models.map(\.name) == ["tiny", "large"])
        #expect(spec.models[0].learningRate == 1e-3)   // "1e-3" is a number, not a string (PyYAML's quirk)
        #expect(spec.models[1].source == .scratch(ScratchArchitecture(layers: 2, hidden: 32, heads: 4, intermediate: 64, dropout: 0, initializerRange: 0.02)))
        #expect(spec.training.maxSteps == 60 && spec.training.batchSize == 16 && spec.training.evalInterval == 10)
        #expect(spec.training.maxGradNorm == 1.0 && spec.training.weightDecay == 0)
        // ftft's defaults (issue 12): random batches as FTFT; evaluation by length in batches of up to 8,192 padded
        // tokens, the other sets only where a checkpoint can be reported.
        #expect(spec.training.batching == .random && spec.training.evaluation == .reported)
        #expect(spec.training.evalOrder == .length && spec.training.evalBatchTokens == 8192 && spec.training.evalBatchSize == nil)
        #expect(spec.methods.map(\.kind) == [.erm, .ermES, .dm, .randomDM, .ftft])
        // Paper conventions as defaults: rate 0.33, FTFT's rule, ddof 1, ambiguous, patience 2.
        let ftft = spec.methods[4]
        #expect(ftft.rate == 0.33 && ftft.rule == .ftft && ftft.ddof == 1 && ftft.mode == .ambiguous && ftft.patience == 2)
        #expect(spec.methods[1].patience == 3)
        #expect(spec.methods[2].mode == .hardToLearn && spec.methods[2].rate == 0.25 && spec.methods[2].rule == .exact)
        #expect(spec.computeUnit == "large")       // the main model of the first FTFT method
        #expect(spec.evaluationsPerFullRun == 6)
    }

    @Test func unknownKeysAreErrorsNamingPathAndLine() throws {
        #expect(throws: ExperimentError.unknownKey(file: "test.yaml", path: "seedz", line: 17, suggestion: "did you mean seeds?")) {
            try Self.parse(Self.valid + "\nseedz: [1]")
        }
        #expect(throws: ExperimentError.unknownKey(file: "test.yaml", path: "models.large.scratch.layer", line: 8, suggestion: "did you mean layers?")) {
            try Self.parse(Self.edited("{layers: 2, hidden: 32", "{layer: 2, layers: 2, hidden: 32"))
        }
        #expect(throws: ExperimentError.unknownKey(file: "test.yaml", path: "methods[1].patient", line: 13, suggestion: "did you mean patience?")) {
            try Self.parse(Self.edited("patience: 3}", "patient: 3}"))
        }
        #expect(throws: ExperimentError.unknownKey(file: "test.yaml", path: "task.embedded.train_sise", line: 2, suggestion: "did you mean train_size?")) {
            try Self.parse(Self.edited("train_size: 200", "train_sise: 200"))
        }
    }

    @Test func outOfRangeValuesAreErrors() throws {
        func outOfRange(_ yaml: String, path: String) {
            do {
                _ = try Self.parse(yaml)
                Issue.record("accepted \(path)")
            } catch let ExperimentError.outOfRange(_, errorPath, _, _) {
                #expect(errorPath == path)
            } catch {
                Issue.record("\(path): unexpected \(error)")
            }
        }
        outOfRange(Self.edited("patience: 3}", "patience: 0}"), path: "methods[1].patience")
        // 6 evaluations in a full run: patience 6 could never stop training.
        outOfRange(Self.edited("patience: 3}", "patience: 6}"), path: "methods[1].patience")
        outOfRange(Self.edited("rate: 0.25", "rate: 1.5"), path: "methods[2].rate")
        outOfRange(Self.edited("rate: 0.25", "rate: 0"), path: "methods[2].rate")
        outOfRange(Self.edited("learning_rate: 1e-3", "learning_rate: -1e-3"), path: "models.tiny.learning_rate")
        outOfRange(Self.edited("label_noise: 0.05", "label_noise: 1.5"), path: "task.embedded.label_noise")
        outOfRange(Self.edited("heads: 4,", "heads: 3,"), path: "models.large.scratch.heads")
        outOfRange(Self.edited("eval_interval: 10", "eval_interval: 100"), path: "training.eval_interval")
        outOfRange(Self.edited("seeds: [0, 1]", "seeds: []"), path: "seeds")
    }

    @Test func invalidValuesAndReferencesAreErrors() throws {
        #expect(throws: ExperimentError.invalidValue(file: "test.yaml", path: "methods[2].reference", line: 14,
                                                     reason: "\"small\" is not one of the models")) {
            try Self.parse(Self.edited("reference: tiny, model: large, mode: hard", "reference: small, model: large, mode: hard"))
        }
        // A method's undefined model is reported at the method (it used to surface as compute_unit, which
        // defaults to the first method's model, with no line; found by the reliability corpus).
        #expect(throws: ExperimentError.invalidValue(file: "test.yaml", path: "methods[0].model", line: 12,
                                                     reason: "\"huge\" is not one of the models")) {
            try Self.parse(Self.edited("method: erm, model: large}", "method: erm, model: huge}"))
        }
        #expect(throws: ExperimentError.invalidValue(file: "test.yaml", path: "methods[0].patience", line: 12,
                                                     reason: "only for methods erm_es and ftft (early stopping), not erm")) {
            try Self.parse(Self.edited("method: erm, model: large}", "method: erm, model: large, patience: 2}"))
        }
        #expect(throws: ExperimentError.duplicateKey(file: "test.yaml", path: "threads", line: 5)) {
            try Self.parse(Self.edited("threads: 1", "threads: 1\nthreads: 2"))
        }
        do {
            _ = try Self.parse(Self.edited("max_steps: 60", "max_steps: sixty"))
            Issue.record("accepted max_steps: sixty")
        } catch let ExperimentError.invalidValue(_, path, line, _) {
            #expect(path == "training.max_steps" && line == 10)
        }
        #expect(throws: ExperimentError.self) { try Self.parse("experiment: [") }
        #expect(throws: ExperimentError.missingKey(file: "test.yaml", path: "training.max_steps", line: 10)) {
            try Self.parse(Self.edited("max_steps: 60, ", ""))
        }
    }

    @Test func batchingAndEvaluationKeysAreReadAndCheckedWithTheirLine() throws {
        let grouped = try Self.parse(Self.edited("adam_eps: 1e-6}", "adam_eps: 1e-6, batching: length_grouped}"))
        #expect(grouped.training.batching == .lengthGrouped(megaBatchMult: 50))
        let spec = try Self.parse(Self.edited("adam_eps: 1e-6}", """
            adam_eps: 1e-6, batching: length_grouped, mega_batch_mult: 7, evaluation: every_checkpoint,
                       eval_order: data_set, eval_batch_size: 64, eval_batch_tokens: null}
            """))
        #expect(spec.training.batching == .lengthGrouped(megaBatchMult: 7) && spec.training.evaluation == .everyCheckpoint)
        #expect(spec.training.evaluationBatching == EvaluationBatching.ftft)
        func invalid(_ keys: String, path: String, reason: String) {
            #expect(throws: ExperimentError.invalidValue(file: "test.yaml", path: path, line: 10, reason: reason), "\(keys)") {
                try Self.parse(Self.edited("adam_eps: 1e-6}", "adam_eps: 1e-6, \(keys)}"))
            }
        }
        invalid("batching: sorted", path: "training.batching", reason: "\"sorted\" is not one of random, length_grouped")
        invalid("mega_batch_mult: 10", path: "training.mega_batch_mult",
                reason: "only with batching: length_grouped (the number of batches sorted together)")
        invalid("evaluation: best", path: "training.evaluation", reason: "\"best\" is not one of reported, every_checkpoint")
        invalid("eval_order: random", path: "training.eval_order", reason: "\"random\" is not one of data_set, length")
        invalid("eval_batch_tokens: null", path: "training.eval_batch_tokens",
                reason: "evaluation batches need a bound: give eval_batch_size or eval_batch_tokens a number")
        #expect(throws: ExperimentError.outOfRange(file: "test.yaml", path: "training.mega_batch_mult", line: 10,
                                                   reason: "must be at least 1 (got 0)")) {
            try Self.parse(Self.edited("adam_eps: 1e-6}", "adam_eps: 1e-6, batching: length_grouped, mega_batch_mult: 0}"))
        }
        #expect(throws: ExperimentError.outOfRange(file: "test.yaml", path: "training.eval_batch_tokens", line: 10,
                                                   reason: "must be at least 1, or null for no limit (got 0)")) {
            try Self.parse(Self.edited("adam_eps: 1e-6}", "adam_eps: 1e-6, eval_batch_tokens: 0}"))
        }
        #expect(throws: ExperimentError.unknownKey(file: "test.yaml", path: "training.group_by_length", line: 10)) {
            try Self.parse(Self.edited("adam_eps: 1e-6}", "adam_eps: 1e-6, group_by_length: true}"))
        }
    }

    /// experiment.json and manifest.json written before these keys existed read as what ftft did then.
    @Test func aSpecWrittenBeforeTheBatchingKeysReadsAsFTFTsLoop() throws {
        let spec = try Self.parse(Self.valid)
        let encoder = JSONEncoder()
        var object = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(spec)) as? [String: Any])
        var training = try #require(object["training"] as? [String: Any])
        for key in ["batching", "evaluation", "evalOrder", "evalBatchTokens", "evalBatchSize"] { training[key] = nil }
        training["evalBatchSize"] = 64
        object["training"] = training
        let old = try JSONDecoder().decode(ExperimentSpec.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.training.batching == .random && old.training.evaluation == .everyCheckpoint)
        #expect(old.training.evaluationBatching == EvaluationBatching.ftft)
        // And a new one round-trips.
        #expect(try JSONDecoder().decode(ExperimentSpec.self, from: try encoder.encode(spec)) == spec)
    }

    /// An experiment file that is not UTF-8 names the line (Foundation's message named nothing).
    @Test func invalidUTF8NamesTheLine() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-spec-utf8")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.yaml").path
        try Data(Array("experiment: x\ndescription: caf".utf8) + [0xE9] + Array("\nseeds: [0]\n".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ExperimentError.unreadableFile(file: path, reason: "line 2 is not valid UTF-8")) {
            try ExperimentSpec.load(path: path, environment: [:])
        }
    }

    @Test func missingDataFilesAndModelsAreErrors() throws {
        let empty = try PackagePaths.temporaryDirectory("ftft-spec")
        defer { try? FileManager.default.removeItem(at: empty) }
        let nli = Self.edited("{name: embedded, max_length: 40, embedded: {train_size: 200, label_noise: 0.05}}",
                              "{name: nli, data_root: \(empty.path)}")
        do {
            _ = try Self.parse(nli)
            Issue.record("accepted a data root without data")
        } catch let ExperimentError.missingFile(_, path, line, missing) {
            #expect(path == "task.data_root" && line == 2 && missing.contains("dev_matched_bert100.tsv.gz"))
        }
        let pretrained = Self.edited("tiny: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 1e-3}",
                                     "tiny: {pretrained: no-such-model, learning_rate: 1e-3}")
        do {
            _ = try Self.parse(pretrained, base: empty.path)
            Issue.record("accepted a missing model directory")
        } catch let ExperimentError.missingFile(_, path, line, missing) {
            #expect(path == "models.tiny.pretrained" && line == 6 && missing.contains("\(empty.path)/no-such-model"))
        }
    }
}

/// Every committed experiment file loads and validates: those that need no ../shared always, those that name it
/// when it is there (a separate test, reported as skipped without it; under CI it must be there).
struct CommittedExperimentFilesTests {
    static func files(namingShared: Bool) throws -> [(name: String, path: String)] {
        let folder = PackagePaths.root.appendingPathComponent("experiments")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { ($0, folder.appendingPathComponent($0).path) }
            .filter { try String(contentsOfFile: $0.path, encoding: .utf8).contains("shared/") == namingShared }
    }

    @Test func everyFileWithoutSharedMaterialIsValid() throws {
        let files = try Self.files(namingShared: false)
        #expect(files.count >= 2)
        for (name, path) in files { try Self.check(name, path) }
    }

    @Test(.enabled(if: SharedData.isAvailable("datasets"), Comment(rawValue: SharedData.skipMessage)))
    func everyFileNamingSharedMaterialIsValid() throws {
        _ = try SharedData.require("datasets")
        let files = try Self.files(namingShared: true)
        #expect(files.count >= 3)
        for (name, path) in files { try Self.check(name, path) }
    }

    static func check(_ name: String, _ path: String) throws {
        let spec = try ExperimentSpec.load(path: path)
        #expect(spec.name + ".yaml" == name, "\(name) names its experiment \(spec.name)")
        if spec.name.hasSuffix("-pilot") {
            // A learning-rate pilot (issue 14): ERM only, the same main model at two or more peak rates.
            let rates = Set(spec.methods.compactMap { method in spec.models.first { $0.name == method.model }?.learningRate })
            #expect(spec.methods.allSatisfy { $0.kind == .erm } && rates.count >= 2, "\(name)")
        } else if spec.name.hasSuffix("-batching") {
            // A batching check (issue 12): ERM only, with the batches the main table does not use, and nothing else
            // changed — otherwise a difference in the metrics could not be put on the batching.
            #expect(spec.methods.allSatisfy { $0.kind == .erm } && spec.training.batching == .random, "\(name)")
            let mainName = String(spec.name.dropLast("-batching".count))
            let main = try ExperimentSpec.load(path: URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent(mainName + ".yaml").path)
            var training = spec.training
            training.batching = main.training.batching
            #expect(main.training.batching != spec.training.batching, "\(name)")
            #expect(training == main.training && spec.task == main.task && spec.threads == main.threads
                    && spec.blasKernel == main.blasKernel, "\(name) differs from \(mainName).yaml beyond the batching")
            for model in spec.models {
                #expect(main.models.contains(model), "\(name): model \(model.name) is not \(mainName).yaml's")
            }
        } else if spec.name.hasSuffix("-budgets") {
            // A budget experiment (issue 14's Figure 1): ERM and DM only, the main model at ⅓, ⅔ and the whole of
            // the update budget, on exactly the main experiment's task, recipe and models — so its full-budget runs
            // are the main experiment's runs (same run ids) and only the budget rows are new.
            #expect(spec.methods.allSatisfy { $0.kind == .erm || $0.kind == .dm }, "\(name)")
            let mainName = String(spec.name.dropLast("-budgets".count))
            let main = try ExperimentSpec.load(path: URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent(mainName + ".yaml").path)
            #expect(spec.training == main.training && spec.task == main.task && spec.threads == main.threads
                    && spec.blasKernel == main.blasKernel && spec.seeds == main.seeds, "\(name) differs from \(mainName).yaml")
            let full = spec.training.maxSteps
            var budgets: Set<Int> = []
            for model in spec.models {
                if let step = model.maxSteps {
                    // A budget model: the main model's weights and rate, stopped at a fraction of the budget.
                    let unit = main.models.first { $0.name == spec.computeUnit }
                    #expect(model.source == unit?.source && model.learningRate == unit?.learningRate, "\(name): \(model.name)")
                    budgets.insert(step)
                } else {
                    #expect(main.models.contains(model), "\(name): model \(model.name) is not \(mainName).yaml's")
                }
            }
            #expect(budgets == [full / 3, 2 * full / 3], "\(name): budgets \(budgets.sorted()) of \(full)")
        } else {
            #expect(spec.methods.contains { $0.kind == .ftft } && spec.methods.contains { $0.kind == .randomDM }
                    && spec.methods.contains { $0.kind == .ermES } && spec.methods.contains { $0.kind == .dm }, "\(name)")
        }
        // K full-run checkpoints divide the budget exactly (the paper's K = 12 for NLI, 9 for HSD).
        #expect(spec.training.maxSteps % spec.training.evalInterval == 0 || name.hasPrefix("embedded"), "\(name)")
    }
}
