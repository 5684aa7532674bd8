import FTFTData
import FTFTTraining

extension ExampleEncoder {
    /// Encodes a whole set; `index` is each example's position in it (the key of its training dynamics).
    public func encode(_ set: LabeledDataset, maxLength: Int) throws -> [EncodedExample] {
        try set.examples.enumerated().map { i, example in
            let (ids, types) = try encode(example, maxLength: maxLength)
            return EncodedExample(inputIds: ids, tokenTypeIds: types, label: Int32(example.label), index: i)
        }
    }
}
