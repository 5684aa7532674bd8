// The paper's two tasks (method.md §1.6, §6) as ftft runs them on the data in ../shared/datasets, and the
// embedded task.

extension TaskDefinition {
    /// The task names `named(_:)` knows.
    public static let knownNames = ["nli", "hsd", "embedded"]

    /// A task by name with its default settings; nil if unknown.
    public static func named(_ name: String) -> TaskDefinition? {
        switch name {
        case "nli": return nli()
        case "hsd": return hsd()
        case "embedded": return embedded()
        default: return nil
        }
    }

    /// Natural language inference, 3 classes (entailment 0, neutral 1, contradiction 2), accuracy.
    /// - train `mnli_train` / ID validation `mnli`: a seeded stratified split of MultiNLI dev-matched
    ///   (`mnli/dev_matched_bert100.tsv.gz`; default 80 % / 20 %, split seed 0), because MultiNLI's 393k-pair
    ///   training set is not available here (FTFT trains on GLUE train and validates on dev-matched).
    /// - OOD dev `anli_r1…3` (ANLI dev); OOD test `anli_r1…3` (ANLI test) and `hans` (scored with
    ///   `Metric.hansAccuracy`; FTFT itself does not evaluate HANS).
    public static func nli(validationFraction: Double = 0.2, splitSeed: UInt64 = 0) -> TaskDefinition {
        let mnli = "mnli/dev_matched_bert100.tsv.gz"
        let anli = { (split: String) in
            (1...3).map { r in DatasetSpec(name: "anli_r\(r)", source: .file(path: "anli/R\(r)/\(split).jsonl.gz", format: .anli), metric: .accuracy) }
        }
        return TaskDefinition(
            name: "nli", labelNames: LabelNames.nli, metric: .accuracy,
            train: DatasetSpec(name: "mnli_train", source: .split(path: mnli, format: .multiNLIBert100, part: .train,
                                                                  validationFraction: validationFraction, splitSeed: splitSeed), metric: .accuracy),
            validation: DatasetSpec(name: "mnli", source: .split(path: mnli, format: .multiNLIBert100, part: .validation,
                                                                 validationFraction: validationFraction, splitSeed: splitSeed), metric: .accuracy),
            oodDev: anli("dev"),
            oodTest: anli("test") + [DatasetSpec(name: "hans", source: .file(path: "hans/hans_like_seed0.tsv.gz", format: .hans),
                                                 metric: .hansAccuracy)])
    }

    /// Hate-speech detection, 2 classes (not hateful 0, hateful 1), macro-F1 on every set (CAD included).
    /// - train `cad_train` = CAD v1.1 train, ID validation `cad` = CAD v1.1 dev (official splits; see
    ///   `LabeledDataset.readCAD` for how this differs from FTFT's Ramponi–Tonelli split).
    /// - OOD dev / test: `dynahate_r{2,3,4}_{original,perturbation}` from the DynaHate dev / test file.
    public static func hsd() -> TaskDefinition {
        let dynahate = { (split: String) in
            (2...4).flatMap { round in
                DynaHateLevel.allCases.map { level in
                    DatasetSpec(name: "dynahate_r\(round)_\(level.rawValue)",
                                source: .file(path: "dynahate/dynahate_subset_\(split).csv.gz", format: .dynaHate(round: round, level: level)),
                                metric: .macroF1)
                }
            }
        }
        return TaskDefinition(
            name: "hsd", labelNames: LabelNames.hateSpeech, metric: .macroF1,
            train: DatasetSpec(name: "cad_train", source: .file(path: "cad/cad_v1_1_train.tsv.gz", format: .cad), metric: .macroF1),
            validation: DatasetSpec(name: "cad", source: .file(path: "cad/cad_v1_1_dev.tsv.gz", format: .cad), metric: .macroF1),
            oodDev: dynahate("dev"), oodTest: dynahate("test"))
    }

    /// The embedded task (`EmbeddedTask`): 2 classes (negative 0, positive 1), accuracy; OOD dev
    /// `embedded_ood_dev` and OOD test `embedded_ood_test`. Needs no files.
    public static func embedded(_ config: EmbeddedTaskConfig = EmbeddedTaskConfig()) -> TaskDefinition {
        let spec = { (name: String, part: EmbeddedPart) in DatasetSpec(name: name, source: .embedded(config, part), metric: .accuracy) }
        return TaskDefinition(
            name: EmbeddedTask.name, labelNames: EmbeddedTask.labelNames, metric: .accuracy,
            train: spec("embedded_train", .train), validation: spec("embedded_validation", .validation),
            oodDev: [spec("embedded_ood_dev", .oodDev)], oodTest: [spec("embedded_ood_test", .oodTest)])
    }
}
