import Foundation
import FTFTDeterminism
import FTFTIO

/// Writing training dynamics in cartography's format.
extension CartographyFiles {
    /// One line of `dynamics_epoch_{e}.jsonl` exactly as cartography (pandas `to_json(orient="records",
    /// lines=True)`) writes it: `{"guid":…,"logits_epoch_{e}":[…],"gold":…}` and "\n", no spaces, floats with
    /// 10 decimals (`PandasJSONEncoding`). float32 logits are widened to float64 first, as `tolist()` does.
    public static func encodeDynamicsLine(id: String, epoch: Int, logits: some Collection<Float>, gold: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        appendDynamicsLine(id: id, logitsKey: Array("\"logits_epoch_\(epoch)\":".utf8), logits: logits, gold: gold, to: &out)
        return out
    }

    /// `encodeDynamicsLine` appended to `out`, with the `"logits_epoch_{e}":` key bytes made once per file.
    static func appendDynamicsLine(id: String, logitsKey: [UInt8], logits: some Collection<Float>, gold: Int,
                                   to out: inout [UInt8]) {
        out.append(contentsOf: guidOpening)
        PandasJSONEncoding.appendIdentifier(id, to: &out)
        out.append(0x2C)
        out.append(contentsOf: logitsKey)
        out.append(0x5B)
        var first = true
        for value in logits {
            if !first { out.append(0x2C) }
            first = false
            PandasJSONEncoding.appendDouble(Double(value), to: &out)
        }
        out.append(contentsOf: goldOpening)
        PandasJSONEncoding.appendInteger(gold, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
    }

    private static let guidOpening = Array("{\"guid\":".utf8)
    private static let goldOpening = Array("],\"gold\":".utf8)

    /// Writes `dynamics` as `folder/dynamics_epoch_{e}.jsonl`, one file per epoch, each atomically, examples in
    /// the dynamics' order (cartography writes each epoch in its shuffled processing order; order does not
    /// matter to any statistic). The folder is created if needed.
    public static func writeDynamics(_ dynamics: TrainingDynamics, folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CartographyError.io(.writeFailed(path: folder, reason: "cannot create the folder"))
        }
        for epoch in 0..<dynamics.epochCount {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(dynamics.exampleCount * (16 + 14 * dynamics.classCount))
            let key = Array("\"logits_epoch_\(epoch)\":".utf8)
            for i in 0..<dynamics.exampleCount {
                appendDynamicsLine(id: dynamics.exampleIDs[i], logitsKey: key, logits: dynamics.logits(epoch: epoch, example: i),
                                   gold: dynamics.goldLabels[i], to: &bytes)
            }
            let path = (folder as NSString).appendingPathComponent("dynamics_epoch_\(epoch).jsonl")
            do { try AtomicFile.write(Data(bytes), to: path) } catch let error as IOError { throw CartographyError.io(error) }
        }
    }
}
