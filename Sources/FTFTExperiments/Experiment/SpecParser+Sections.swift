import Foundation
import FTFTCartography
import FTFTData
import FTFTTraining

// The `models`, `training` and `methods` sections of an experiment file (see ExperimentSpec+Loading.swift for
// the whole schema).
extension SpecParser {
    mutating func models(_ value: YAMLValue) throws -> [ModelSpec] {
        note(value)
        let m = try value.mapping()
        var models: [ModelSpec] = []
        for name in m.keys {
            let entryValue = try m.required(name)
            note(entryValue)
            let entry = try entryValue.mapping()
            let source: ModelSpec.Source
            switch (entry.optional("scratch"), entry.optional("pretrained")) {
            case let (scratch?, nil):
                let s = try scratch.mapping()
                func dimension(_ key: String) throws -> Int {
                    let v = try s.required(key)
                    let n = try v.int()
                    guard n >= 1, n <= 65_536 else { throw v.outOfRange("must be in 1…65536 (got \(n))") }
                    return n
                }
                let architecture = ScratchArchitecture(
                    layers: try dimension("layers"), hidden: try dimension("hidden"), heads: try dimension("heads"),
                    intermediate: try dimension("intermediate"), dropout: try s.optional("dropout")?.double() ?? 0.1,
                    initializerRange: try s.optional("initializer_range")?.double() ?? 0.02)
                if !(architecture.initializerRange > 0 && architecture.initializerRange <= 1) {
                    throw ExperimentError.outOfRange(file: file, path: YAMLMapping.join(s.path, "initializer_range"), line: s.line,
                                                     reason: "must be in (0, 1] (got \(architecture.initializerRange))")
                }
                if architecture.hidden % architecture.heads != 0 {
                    throw ExperimentError.outOfRange(file: file, path: YAMLMapping.join(s.path, "heads"), line: s.line,
                                                     reason: "heads (\(architecture.heads)) must divide hidden (\(architecture.hidden))")
                }
                if !(0..<1).contains(architecture.dropout) {
                    throw ExperimentError.outOfRange(file: file, path: YAMLMapping.join(s.path, "dropout"), line: s.line,
                                                     reason: "must be in [0, 1) (got \(architecture.dropout))")
                }
                try s.finish()
                source = .scratch(architecture)
            case let (nil, pretrained?):
                note(pretrained)
                source = .pretrained(directory: resolve(try pretrained.string()))
            default:
                throw ExperimentError.invalidValue(file: file, path: entry.path, line: entry.line,
                                                   reason: "give exactly one of scratch: {…} or pretrained: <model directory>")
            }
            let lrValue = try entry.required("learning_rate")
            let lr = try lrValue.double()
            guard lr > 0 else { throw lrValue.outOfRange("must be positive (got \(lr))") }
            let tokenizerValue = entry.optional("tokenizer")
            if let tokenizerValue { note(tokenizerValue) }
            let tokenizer = try tokenizerValue.map { resolve(try $0.string()) }
            var maxSteps: Int?
            if let stepsValue = entry.optional("max_steps") {
                note(stepsValue)
                let n = try stepsValue.int()
                guard n >= 1 else { throw stepsValue.outOfRange("must be at least 1 (got \(n))") }
                maxSteps = n
            }
            try entry.finish()
            models.append(ModelSpec(name: name, source: source, learningRate: lr, tokenizer: tokenizer, maxSteps: maxSteps))
        }
        try m.finish()
        return models
    }

    mutating func training(_ m: YAMLMapping) throws -> TrainingSpec {
        func int(_ key: String, default value: Int?, minimum: Int) throws -> Int {
            guard let v = value == nil ? try m.required(key) : m.optional(key) else { return value ?? minimum }
            note(v)
            let n = try v.int()
            guard n >= minimum else { throw v.outOfRange("must be at least \(minimum) (got \(n))") }
            return n
        }
        func real(_ key: String, default value: Double, positive: Bool) throws -> Double {
            guard let v = m.optional(key) else { return value }
            let x = try v.double()
            guard positive ? x > 0 : x >= 0 else { throw v.outOfRange("must be \(positive ? "positive" : "at least 0") (got \(x))") }
            return x
        }
        /// A positive integer, or null for "no limit" (absent: `value`).
        func limit(_ key: String, default value: Int?) throws -> Int? {
            guard m.has(key) else { return value }
            guard let v = m.optional(key) else { return nil }
            note(v)
            let n = try v.int()
            guard n >= 1 else { throw v.outOfRange("must be at least 1, or null for no limit (got \(n))") }
            return n
        }
        let evalBatchSize = try limit("eval_batch_size", default: nil)
        let evalBatchTokens = try limit("eval_batch_tokens", default: EvaluationBatching.standard.maxTokens)
        if evalBatchSize == nil && evalBatchTokens == nil {
            throw ExperimentError.invalidValue(file: file, path: YAMLMapping.join(m.path, "eval_batch_tokens"), line: m.line,
                                               reason: "evaluation batches need a bound: give eval_batch_size or eval_batch_tokens a number")
        }
        let evalOrder = try m.optional("eval_order").map { v in
            EvaluationBatching.Order(rawValue: try v.choice(EvaluationBatching.Order.allCases.map(\.rawValue))) ?? .length
        } ?? .length
        let evaluation = try m.optional("evaluation").map { v in
            EvaluationPolicy(rawValue: try v.choice(EvaluationPolicy.choices.map(\.rawValue))) ?? .reported
        } ?? .reported
        let earlyStopping = try m.optional("early_stopping").map { v in
            EarlyStoppingRows(rawValue: try v.choice(EarlyStoppingRows.allCases.map(\.rawValue))) ?? .live
        } ?? .live
        var batching = TrainingBatching.random
        let batchingValue = m.optional("batching")
        if let batchingValue, try batchingValue.choice(["random", "length_grouped"]) == "length_grouped" {
            batching = .lengthGrouped(megaBatchMult: TrainingBatching.defaultMegaBatchMult)
        }
        if let v = m.optional("mega_batch_mult") {
            guard case .lengthGrouped = batching else {
                throw v.invalid("only with batching: length_grouped (the number of batches sorted together)")
            }
            let k = try v.int()
            guard k >= 1 else { throw v.outOfRange("must be at least 1 (got \(k))") }
            batching = .lengthGrouped(megaBatchMult: k)
        }
        var spec = TrainingSpec(
            maxSteps: try int("max_steps", default: nil, minimum: 1), batchSize: try int("batch_size", default: 32, minimum: 1),
            warmupRate: try real("warmup_rate", default: 0.1, positive: false),
            evalInterval: try int("eval_interval", default: nil, minimum: 1),
            evalBatchSize: evalBatchSize, evalBatchTokens: evalBatchTokens, evalOrder: evalOrder, batching: batching,
            evaluation: evaluation,
            adamEpsilon: try real("adam_eps", default: 1e-6, positive: true),
            weightDecay: try real("weight_decay", default: 0, positive: false),
            maxGradNorm: m.has("max_grad_norm") ? try m.optional("max_grad_norm").map { v in
                let x = try v.double()
                guard x > 0 else { throw v.outOfRange("must be positive, or null for no clipping (got \(x))") }
                return x
            } : 1.0)
        spec.earlyStopping = earlyStopping
        try m.finish()
        return spec
    }

    mutating func method(_ value: YAMLValue) throws -> MethodSpec {
        note(value)
        let m = try value.mapping()
        let kindValue = try m.required("method")
        guard let kind = MethodSpec.Kind(rawValue: try kindValue.choice(MethodSpec.Kind.allCases.map(\.rawValue))) else {
            throw kindValue.invalid("unknown method")
        }
        let label = try m.optional("label")?.string() ?? kind.rawValue
        let model = try m.required("model")
        note(model)
        var spec = MethodSpec(label: label, kind: kind, model: try model.string(), reference: nil, mode: .ambiguous,
                              rate: 0.33, rule: .ftft, ddof: 1, patience: nil)
        func reject(_ key: String, _ reason: String) throws {
            if m.has(key) {
                throw ExperimentError.invalidValue(file: file, path: YAMLMapping.join(m.path, key), line: m.line, reason: reason)
            }
        }
        if spec.usesReference {
            let sources = ["reference", "subset_file", "reference_dynamics"].filter { m.has($0) }
            guard sources.count == 1 else {
                throw ExperimentError.invalidValue(
                    file: file, path: YAMLMapping.join(m.path, sources.count > 1 ? sources[1] : "reference"), line: m.line,
                    reason: "give exactly one of reference: <model> (trained here), subset_file: <ids file> or reference_dynamics: <cartography dynamics folder>")
            }
            if let reference = m.optional("reference") {
                note(reference)
                spec.reference = try reference.string()
            }
            if let v = m.optional("subset_file") {
                note(v)
                spec.subsetFile = resolve(try v.string())
                for key in ["mode", "rate", "rule", "ddof"] {
                    try reject(key, "the subset file fixes the subset; \(key) applies to data maps (reference or reference_dynamics)")
                }
            }
            if let v = m.optional("reference_dynamics") {
                note(v)
                spec.referenceDynamics = resolve(try v.string())
            }
            if let v = m.optional("mode") { spec.mode = try v.oneOf([SelectionMode.ambiguous, .hardToLearn, .easy]) }
            if let v = m.optional("ddof") {
                spec.ddof = try v.int()
                guard spec.ddof == 0 || spec.ddof == 1 else { throw v.outOfRange("ddof must be 0 or 1 (got \(spec.ddof))") }
            }
        } else {
            for key in ["reference", "subset_file", "reference_dynamics", "mode", "ddof"] {
                try reject(key, "only for methods dm and ftft, not \(kind.rawValue)")
            }
        }
        if spec.selectsSubset {
            if let v = m.optional("rate") {
                spec.rate = try v.double()
                guard spec.rate > 0, spec.rate < 1 else { throw v.outOfRange("the rate must be in (0, 1) (got \(spec.rate))") }
            }
            if let v = m.optional("rule") { spec.rule = try v.oneOf([SelectionRule.ftft, .exact, .cartography]) }
        } else {
            for key in ["rate", "rule"] { try reject(key, "only for methods dm, random_dm and ftft, not \(kind.rawValue)") }
        }
        if spec.isEarlyStopped {
            let v = m.optional("patience")
            if let v { note(v) }
            spec.patience = try v?.int() ?? 2
            if let v, spec.patience ?? 0 < 1 { throw v.outOfRange("patience must be at least 1 (got \(spec.patience ?? 0))") }
        } else {
            try reject("patience", "only for methods erm_es and ftft (early stopping), not \(kind.rawValue)")
        }
        if let v = m.optional("keep") {
            spec.keep = ModelKeep(rawValue: try v.choice(ModelKeep.allCases.map(\.rawValue)))
        }
        try m.finish()
        return spec
    }
}
