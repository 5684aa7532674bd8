import Foundation
import FTFTTestSupport
import Testing
@testable import FTFTCommandLine

/// `ftft predict` end to end against PyTorch: golden/generate_predict.py saved a small random Hugging Face BERT
/// classifier (3 labels with id2label), a JSONL file of sentence pairs (with out-of-vocabulary words and one pair
/// that must be truncated), and transformers' logits and probabilities for each pair at max_length 24.
struct PredictCommandTests {
    @Test func matchesPyTorchOnASmallRandomCheckpoint() throws {
        let fixture = try GoldenFixture("predict_tiny_bert.ftg")
        let model = try verifiedGoldenPath("predict/tiny-bert/model.safetensors")
        _ = try verifiedGoldenPath("predict/tiny-bert/config.json")
        _ = try verifiedGoldenPath("predict/tiny-bert/vocab.txt")
        let data = try verifiedGoldenPath("predict/pairs.jsonl")
        let folder = URL(fileURLWithPath: model).deletingLastPathComponent().path
        let directory = try PackagePaths.temporaryDirectory("ftft-predict")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("predictions.jsonl").path

        let status = runFTFT(["predict", "--model", folder, "--data", data, "--text-field", "premise", "--pair-field", "hypothesis",
                              "--label-field", "label", "--id-field", "id", "--max-length", "24", "--batch-size", "7",
                              "--output", output])
        #expect(status == 0)
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let n = try fixture.shape("logits")[0]
        #expect(lines.count == n)
        let logits = lines.flatMap { ($0["logits"] as? [Double] ?? []).map(Float.init) }
        let probabilities = lines.flatMap { ($0["probabilities"] as? [Double] ?? []).map(Float.init) }
        let logitsCheck = try fixture.compare("logits", actual: logits, shape: [lines.count, 3], tolerance: .forward)
        #expect(logitsCheck.passed, "\(logitsCheck)")
        let probabilityCheck = try fixture.compare("probabilities", actual: probabilities, shape: [lines.count, 3], tolerance: .forward)
        #expect(probabilityCheck.passed, "\(probabilityCheck)")
        let expected = try fixture.floats("logits")
        let labels = ["entailment", "neutral", "contradiction"]
        for (i, line) in lines.enumerated() {
            let row = Array(expected[(3 * i)..<(3 * i + 3)])
            let best = row.indices.max { row[$0] < row[$1] } ?? 0
            #expect(line["label"] as? String == labels[best], "line \(i)")
            #expect(line["label_index"] as? Int == best)
            #expect(line["gold"] as? String != nil)
        }
        #expect(lines.first?["id"] as? String == "pair-0" && lines.last?["id"] as? String == "long")
    }

    @Test func badInputExitsWithTheInputCode() throws {
        let model = try verifiedGoldenPath("predict/tiny-bert/model.safetensors")
        let folder = URL(fileURLWithPath: model).deletingLastPathComponent().path
        let directory = try PackagePaths.temporaryDirectory("ftft-predict-bad")
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("broken.jsonl").path
        try "{\"premise\": \"a\", \"label\": \"entailment\"}\n{not json\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let args = ["--text-field", "premise", "--label-field", "label"]
        #expect(runFTFT(["predict", "--model", folder, "--data", broken] + args) == FTFTExitCode.badInput)
        #expect(runFTFT(["predict", "--model", directory.path, "--data", broken] + args) == FTFTExitCode.badInput)
        #expect(runFTFT(["predict", "--model", folder, "--data", directory.appendingPathComponent("missing.jsonl").path] + args) == FTFTExitCode.badInput)
        // Usage errors: a missing option, a generic file without its fields.
        #expect(runFTFT(["predict", "--data", broken]) == FTFTExitCode.usage)
        #expect(runFTFT(["predict", "--model", folder, "--data", broken]) == FTFTExitCode.usage)
    }
}
