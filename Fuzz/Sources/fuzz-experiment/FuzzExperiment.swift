import FTFTExperiments
import FuzzSupport

/// Experiment files (YAML, through Yams and ftft's schema): `ExperimentSpec.parse` either refuses the text with
/// an `ExperimentError` naming the file, or returns a spec that keeps the promises validation makes — checked
/// here again from the outside: seeds unique and non-negative, threads and lengths in range, every method's
/// models defined, rates in (0, 1), patience below the number of evaluations.
@main enum FuzzExperiment {
    static func main() {
        let scratch = Scratch("experiment")
        let name = "fuzz.yaml"
        // The files the "all-keys" seed names (validation only checks that they exist).
        scratch.makeFolder("model")
        scratch.makeFolder("data")
        for file in ["train.jsonl", "dev.csv", "ood.tsv", "vocab.txt", "model/config.json", "model/model.safetensors"] {
            scratch.write(file, "")
        }
        Fuzzer.run { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let spec: ExperimentSpec
            do {
                spec = try ExperimentSpec.parse(yaml: text, file: name, baseDirectory: scratch.folder, environment: [:])
            } catch {
                Fuzzer.expectRejection(error, ExperimentError.self, naming: name)
                return
            }
            let models = Set(spec.models.map(\.name))
            Fuzzer.check(!spec.seeds.isEmpty && Set(spec.seeds).count == spec.seeds.count, "seeds \(spec.seeds)")
            Fuzzer.check((1...256).contains(spec.threads) && (2...4096).contains(spec.task.maxLength), "threads or max_length")
            Fuzzer.check(spec.training.maxSteps >= 1 && (1...spec.training.maxSteps).contains(spec.training.evalInterval),
                         "max_steps \(spec.training.maxSteps), eval_interval \(spec.training.evalInterval)")
            Fuzzer.check(!spec.methods.isEmpty && models.contains(spec.computeUnit), "methods or compute_unit")
            for method in spec.methods {
                Fuzzer.check(models.contains(method.model) && (method.reference.map(models.contains) ?? true),
                             "\(method.label): undefined model")
                if method.selectsSubset { Fuzzer.check(method.rate > 0 && method.rate < 1, "\(method.label): rate \(method.rate)") }
                if let patience = method.patience {
                    Fuzzer.check(patience >= 1 && patience < spec.evaluationsPerFullRun, "\(method.label): patience \(patience)")
                }
            }
            for model in spec.models {
                Fuzzer.check(model.learningRate > 0 && model.learningRate.isFinite, "\(model.name): learning rate \(model.learningRate)")
            }
        }
    }
}
