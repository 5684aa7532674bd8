import Foundation
import Testing
import FTFTEncoder
import FTFTTestSupport

/// Own data → trained → exported → loaded by Hugging Face transformers with the same logits, through the `ftft`
/// binary. golden/generate_export.py ran `ftft train` on golden/export/train.csv with `--save-model`, loaded the
/// folder with `BertForSequenceClassification.from_pretrained` and stored transformers' logits on the unlabelled
/// golden/export/predict.csv (after checking that `ftft predict` agreed); no Python runs here.
struct ExportTests {
    /// generate_export.py's `TRAIN_ARGS` (run in golden/).
    static let trainArguments = ["train", "--train-file", "export/train.csv", "--text-field", "text", "--label-field", "label",
                                 "--id-field", "id", "--ood-dev-file", "export/ood.csv", "--scratch", "1,32,4,64",
                                 "--tokenizer", "export/vocab.txt", "--learning-rate", "3e-3", "--max-steps", "30",
                                 "--eval-interval", "10", "--batch-size", "16", "--max-length", "32", "--patience", "2",
                                 "--seeds", "0", "--threads", "1", "--quiet"]

    static let modelFiles = ["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"]

    @Test func predictOnTheExportedFolderGivesTransformersLogitsOnUnlabelledData() throws {
        let fixture = try GoldenFixture("export_logits.ftg")
        for name in Self.modelFiles { _ = try GoldenFixture.verifiedURL("export/model/\(name)") }
        let data = try GoldenFixture.verifiedURL("export/predict.csv").path
        let scratch = try PackagePaths.temporaryDirectory("ftft-export-predict")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("predictions.jsonl").path
        // predict.csv has no label column: no --label-field, and no "gold" in the output.
        let outcome = try FTFTBinary.run(["predict", "--model", PackagePaths.golden.appendingPathComponent("export/model").path,
                                          "--data", data, "--text-field", "text", "--id-field", "id", "--max-length", "32",
                                          "--output", output], in: scratch)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let n = try fixture.shape("logits")[0]
        try #require(lines.count == n)
        let logits = lines.flatMap { ($0["logits"] as? [Double] ?? []).map(Float.init) }
        let check = try fixture.compare("logits", actual: logits, shape: [n, 2], tolerance: .forward)
        #expect(check.passed, "\(check)")
        let expected = try fixture.floats("logits")
        for (i, line) in lines.enumerated() {
            #expect(line["gold"] == nil, "unlabelled data has no gold label")
            #expect(line["label"] as? String == (expected[2 * i] >= expected[2 * i + 1] ? "neg" : "pos"), "line \(i)")
            #expect(line["id"] as? String == "p\(i)")
        }
    }

    @Test func trainingTheOwnCSVAgainExportsTheCommittedFolder() throws {
        let scratch = try PackagePaths.temporaryDirectory("ftft-export-train")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let saved = scratch.appendingPathComponent("model")
        let outcome = try FTFTBinary.run(Self.trainArguments + ["--output", scratch.appendingPathComponent("runs").path,
                                                                "--save-model", saved.path], in: PackagePaths.golden)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("ERM(ES) (seed 0): best weights saved to \(saved.path)"), "\(outcome.stdout)")
        let committed = PackagePaths.golden.appendingPathComponent("export/model")
        #expect(try FileManager.default.contentsOfDirectory(atPath: saved.path).sorted() == Self.modelFiles)
        for name in ["config.json", "tokenizer_config.json", "vocab.txt"] {
            let mine = try Data(contentsOf: saved.appendingPathComponent(name))
            #expect(mine == (try Data(contentsOf: committed.appendingPathComponent(name))), "\(name) differs from the committed export")
        }
        // The weights: the same tensors (Hugging Face names and shapes), equal up to the training tolerance (bit
        // for bit on the machine kind that generated them; another OpenBLAS kernel may differ in the last bits).
        let mine = try SafetensorsFile(path: saved.appendingPathComponent("model.safetensors").path)
        let reference = try SafetensorsFile(path: try GoldenFixture.verifiedURL("export/model/model.safetensors").path)
        #expect(mine.names == reference.names)
        #expect(mine.names.contains("bert.embeddings.word_embeddings.weight") && mine.names.contains("classifier.weight"))
        for info in reference.tensors {
            let other = try #require(mine.info(info.name))
            var a = [Float](repeating: 0, count: other.count), e = [Float](repeating: 0, count: info.count)
            try a.withUnsafeMutableBufferPointer { try mine.readFloats(info.name, into: $0.baseAddress!, count: other.count) }
            try e.withUnsafeMutableBufferPointer { try reference.readFloats(info.name, into: $0.baseAddress!, count: info.count) }
            let check = compare(info.name, actual: a, actualShape: other.shape, expected: e, expectedShape: info.shape,
                                tolerance: .training)
            #expect(check.passed, "\(check)")
        }
    }
}
