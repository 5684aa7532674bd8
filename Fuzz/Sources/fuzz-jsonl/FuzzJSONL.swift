import FTFTData
import FuzzSupport

/// JSON-lines data files: the generic reader (names and integer labels, with and without ids and pairs),
/// MultiNLI's official format and ANLI. Generic sets that read are written back and read again.
@main enum FuzzJSONL {
    static func main() {
        let scratch = Scratch("jsonl")
        let named = ColumnMapping(textField: "text", pairField: "pair", labelField: "label", idField: "id",
                                  labels: .names(["a", "b", "c"]))
        let indexed = ColumnMapping(textField: "text", labelField: "label", labels: .indices(count: 3))
        Fuzzer.run { bytes in
            let path = scratch.write("input.jsonl", bytes)
            for mapping in [named, indexed] {
                if let set = DatasetChecks.read(path, {
                    try LabeledDataset.readGeneric(path: path, format: .jsonl, mapping: mapping, name: "fuzz")
                }) {
                    DatasetChecks.roundTrip(set, format: .jsonl, mapping: mapping, scratch: scratch)
                }
            }
            DatasetChecks.read(path) { try LabeledDataset.readMultiNLIJSONL(path: path) }
            DatasetChecks.read(path) { try LabeledDataset.readANLI(path: path, name: "anli") }
        }
    }
}
