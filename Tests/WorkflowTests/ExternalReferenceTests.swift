import Foundation
import Testing
import FTFTCartography
import FTFTData
import FTFTTensors
import FTFTTestSupport

/// A reference trained elsewhere feeds the main run here, through the `ftft` binary: an ids file (as `ftft select`
/// writes, or any trainer) and a folder of cartography dynamics (as integrations/cartography_callback.py writes)
/// give DM and FTFT their subsets; ids are checked against the training set; the subset's hash is part of the run's
/// identity; the stated cost is added to compute and marked external. Own data: golden/export's CSVs.
@Suite(.serialized) struct ExternalReferenceTests {
    static let golden = PackagePaths.golden.appendingPathComponent("export")

    static func experiment(ids: String = "ids.txt") -> String {
        """
        experiment: external
        task:
          name: files
          max_length: 32
          train: {path: \(golden.path)/train.csv, text: text, label: label, id: id}
          validation: {path: \(golden.path)/ood.csv, text: text, label: label, id: id}
          ood_dev: [{path: \(golden.path)/ood.csv, text: text, label: label, id: id, name: ood}]
        seeds: [0]
        threads: 1
        models:
          main: {scratch: {layers: 1, hidden: 16, heads: 2, intermediate: 32}, learning_rate: 3e-3, tokenizer: \(golden.path)/vocab.txt}
        training: {max_steps: 24, batch_size: 16, eval_interval: 8}
        methods:
          - {label: "ERM", method: erm, model: main}
          - {label: "DM ids", method: dm, subset_file: \(ids), model: main}
          - {label: "FTFT ids", method: ftft, subset_file: \(ids), model: main, patience: 1, keep: best}
          - {label: "FTFT dynamics", method: ftft, reference_dynamics: dynamics, model: main, patience: 1}
        """
    }

    /// The training set as ftft reads it.
    static func train() throws -> LabeledDataset {
        try LabeledDataset.readGeneric(path: golden.appendingPathComponent("train.csv").path, format: .csv,
                                       mapping: ColumnMapping(textField: "text", labelField: "label", idField: "id",
                                                              labels: .names(["neg", "pos"])), name: "train")
    }

    /// Three epochs of seeded dynamics for every training example, in cartography's format.
    static func writeDynamics(_ train: LabeledDataset, to folder: URL) throws -> TrainingDynamics {
        var stream = SeededRandom(seed: 7).stream(.initialization, 0)
        var logits = [Float](repeating: 0, count: 3 * train.count * 2)
        logits.withUnsafeMutableBufferPointer { stream.fillNormal($0.baseAddress!, count: $0.count, mean: 0, std: 1) }
        let dynamics = try TrainingDynamics(exampleIDs: train.examples.map(\.id), goldLabels: train.labels, classCount: 2,
                                            epochCount: 3, logits: logits,
                                            metadata: DynamicsMetadata(mode: .trainingPass, source: "test"))
        try CartographyFiles.writeDynamics(dynamics, folder: folder.path)
        return dynamics
    }

    static func manifest(_ folder: URL) throws -> [[String: Any]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("runs/external/manifest.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["entries"] as? [[String: Any]])
    }

    @Test func idsAndDynamicsFromElsewhereTrainTheMainRunHere() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-external")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try Self.train()
        let chosen = stride(from: 0, to: train.count, by: 3).map { train.examples[$0].id }
        try ("# from a GPU run\n# training_flops: 2.5e9\n" + chosen.map { $0 + "\n" }.joined() + "\n")
            .write(to: folder.appendingPathComponent("ids.txt"), atomically: true, encoding: .utf8)
        let dynamics = try Self.writeDynamics(train, to: folder.appendingPathComponent("dynamics"))
        try Self.experiment().write(to: folder.appendingPathComponent("external.yaml"), atomically: true, encoding: .utf8)

        let first = try FTFTBinary.run(["run", "external.yaml", "--output", "runs", "--quiet"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let entries = try Self.manifest(folder)
        func entry(_ label: String) throws -> [String: Any] { try #require(entries.first { $0["label"] as? String == label }) }
        for label in ["DM ids", "FTFT ids"] {
            let e = try entry(label)
            let external = try #require(e["externalReference"] as? [String: Any])
            #expect(external["kind"] as? String == "subset_file" && external["trainingFLOPs"] as? Double == 2.5e9)
            #expect(e["selectedCount"] as? Int == chosen.count && e["referenceRun"] == nil)
        }
        // DM and FTFT on the same ids share the subset's identity: FTFT's live stop is checked against DM's run.
        #expect(try entry("FTFT ids")["postHocRun"] as? Int64 == (try entry("DM ids")["mainRun"] as? Int64))
        // keep: best → a Hugging Face folder named in the manifest.
        let kept = try #require(try entry("FTFT ids")["model"] as? String)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs/external/\(kept)/config.json").path))
        // The dynamics: mapped and selected here with FTFT's defaults (ambiguous, 0.33, ftft rule, ddof 1).
        let map = try DataMap.compute(from: dynamics, options: DataMapOptions(variabilityDDOF: 1))
        let expected = try Selector.select(map, mode: .ambiguous, rates: [0.33], rule: .ftft)[0].ids.count
        let fromDynamics = try entry("FTFT dynamics")
        #expect(fromDynamics["selectedCount"] as? Int == expected)
        #expect((fromDynamics["externalReference"] as? [String: Any])?["kind"] as? String == "reference_dynamics")
        // Compute marks the external reference: its stated cost included, or the main run only.
        let rows = first.stdout.split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix("DM ids") && $0.contains("(ext.)") }, "\(first.stdout)")
        #expect(rows.contains { $0.hasPrefix("FTFT dynamics") && $0.contains("(main only)") }, "\(first.stdout)")

        // Another subset is another run: ERM is reused, the DM run trained again.
        try (chosen.dropLast().map { $0 + "\n" }.joined()).write(to: folder.appendingPathComponent("ids.txt"), atomically: true, encoding: .utf8)
        let second = try FTFTBinary.run(["run", "external.yaml", "--output", "runs", "--log-interval", "3600"], in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains(#/ERM main \(seed 0\): reusing the finished run/#), "\(second.stderr)")
        #expect(second.stderr.contains("DM ids (seed 0): training, \(chosen.count - 1) examples"), "\(second.stderr)")
    }

    @Test func badExternalSubsetsAreRefusedBeforeAnythingIsWritten() throws {
        let folder = try PackagePaths.temporaryDirectory("ftft-external-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dynamics"), withIntermediateDirectories: true)
        let cases: [(name: String, ids: String, message: String)] = [
            ("unknown", "t0\nt3\nnope\n", "bad.txt:3: id \"nope\" is not in the training set"),
            ("repeated", "t0\n# a comment\nt0\n", "bad.txt:3: id \"t0\" appears again (first on line 1)"),
            ("empty", "# nothing\n\n", "bad.txt: the subset is empty"),
            ("bad cost", "# training_flops: lots\nt0\n", "bad.txt:1: training_flops: must be a number"),
        ]
        for c in cases {
            try c.ids.write(to: folder.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
            try Self.experiment(ids: "bad.txt").write(to: folder.appendingPathComponent("external.yaml"), atomically: true, encoding: .utf8)
            let outcome = try FTFTBinary.run(["run", "external.yaml", "--output", "runs"], in: folder)
            #expect(outcome.status == 65, "\(c.name): \(outcome.status) \(outcome.stderr)")
            #expect(outcome.stderr.contains(c.message), "\(c.name): \(outcome.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runs").path), "\(c.name): wrote output")
        }
        // A reference model and a subset file at once: the experiment file names the key.
        let both = Self.experiment().replacingOccurrences(of: "subset_file: ids.txt, model: main}", with: "subset_file: ids.txt, reference: main, model: main}")
        try both.write(to: folder.appendingPathComponent("external.yaml"), atomically: true, encoding: .utf8)
        let outcome = try FTFTBinary.run(["run", "external.yaml", "--output", "runs"], in: folder)
        #expect(outcome.status == 65 && outcome.stderr.contains("give exactly one of reference"), "\(outcome.stderr)")
    }
}
