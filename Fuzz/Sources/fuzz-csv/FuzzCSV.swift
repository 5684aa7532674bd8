import FTFTData
import FuzzSupport

/// CSV data files (RFC 4180, records over several lines): the generic reader and DynaHate's reader. Generic
/// sets that read are written back, every field quoted, and read again.
@main enum FuzzCSV {
    static func main() {
        let scratch = Scratch("csv")
        let named = ColumnMapping(textField: "text", pairField: "pair", labelField: "label", idField: "id",
                                  labels: .names(["a", "b", "c"]))
        let indexed = ColumnMapping(textField: "text", labelField: "label", labels: .indices(count: 3))
        Fuzzer.run { bytes in
            let path = scratch.write("input.csv", bytes)
            for mapping in [named, indexed] {
                if let set = DatasetChecks.read(path, {
                    try LabeledDataset.readGeneric(path: path, format: .csv, mapping: mapping, name: "fuzz")
                }) {
                    DatasetChecks.roundTrip(set, format: .csv, mapping: mapping, scratch: scratch)
                }
            }
            DatasetChecks.read(path) { try LabeledDataset.readDynaHate(path: path) }
            DatasetChecks.read(path) { try LabeledDataset.readDynaHate(path: path, round: 2, level: .original) }
        }
    }
}
