import Foundation
import FTFTTensors
import FTFTIO

/// Writing training dynamics in cartography's format.
extension CartographyFiles {
    /// One line of `dynamics_epoch_{e}.jsonl` exactly as cartography (pandas `to_json(orient="records",
    /// lines=True)`) writes it: `{"guid":…,"logits_epoch_{e}":[…],"gold":…}` and "\n", no spaces, floats with
    /// 10 decimals (`PandasJSONEncoding`). float32 logits are widened to float64 first, as `tolist()` does.
    public static func encodeDynamicsLine(id: String, epoch: Int, logits: some Collection<Float>, gold: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96)
        out.append(0x7B)
        PandasJSONEncoding.appendKey("guid", to: &out)
        PandasJSONEncoding.appendIdentifier(id, to: &out)
        out.append(0x2C)
        PandasJSONEncoding.appendKey("logits_epoch_\(epoch)", to: &out)
        out.append(0x5B)
        for (k, value) in logits.enumerated() {
            if k > 0 { out.append(0x2C) }
            PandasJSONEncoding.appendDouble(Double(value), to: &out)
        }
        out.append(0x5D)
        out.append(0x2C)
        PandasJSONEncoding.appendKey("gold", to: &out)
        PandasJSONEncoding.appendInteger(gold, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

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
            for i in 0..<dynamics.exampleCount {
                bytes.append(contentsOf: encodeDynamicsLine(id: dynamics.exampleIDs[i], epoch: epoch,
                                                            logits: dynamics.logits(epoch: epoch, example: i),
                                                            gold: dynamics.goldLabels[i]))
            }
            let path = (folder as NSString).appendingPathComponent("dynamics_epoch_\(epoch).jsonl")
            do { try AtomicFile.write(Data(bytes), to: path) } catch let error as IOError { throw CartographyError.io(error) }
        }
    }
}
