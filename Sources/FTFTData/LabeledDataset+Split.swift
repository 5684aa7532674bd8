import FTFTDeterminism

extension LabeledDataset {
    /// A seeded, stratified train/validation split, the same on every machine for the same seed.
    ///
    /// Rule: for each class c in ascending order, let I_c be the positions of the class-c examples in file
    /// order, n_c = |I_c|. Draw a permutation π_c of 0..<n_c by Fisher–Yates (`RandomStream.permutation`) from
    /// the stream `random.stream(.split, splitID, c)`. The validation part takes I_c[π_c[0]], …,
    /// I_c[π_c[v_c − 1]] with v_c = ⌊validationFraction · n_c + ½⌋ (round half up); the rest of I_c is
    /// training data. Both parts keep the original file order. Each class has its own stream, so adding
    /// examples of one class does not move the split of another.
    ///
    /// The project uses this to train NLI on a split of MultiNLI dev-matched (the 393k-pair training set is
    /// not available here): `validationFraction` 0.2 gives 80 % train, 20 % in-distribution validation.
    public func stratifiedSplit(validationFraction: Double, random: SeededRandom, splitID: UInt64 = 0,
                                trainName: String? = nil, validationName: String? = nil) throws
        -> (train: LabeledDataset, validation: LabeledDataset)
    {
        guard validationFraction.isFinite, (0...1).contains(validationFraction) else {
            throw DatasetError.invalidSplit(dataset: name, reason: "validation fraction \(validationFraction) is outside [0, 1]")
        }
        guard classCount < 1 << 16 else {
            throw DatasetError.invalidSplit(dataset: name, reason: "\(classCount) classes; at most 65,535 have their own random stream")
        }
        var positions = [[Int]](repeating: [], count: classCount)
        for (index, example) in examples.enumerated() {
            guard positions.indices.contains(example.label) else {
                throw DatasetError.invalidSplit(dataset: name, reason: "example \(example.id) has label \(example.label), outside 0..<\(classCount)")
            }
            positions[example.label].append(index)
        }
        var inValidation = [Bool](repeating: false, count: examples.count)
        for (label, members) in positions.enumerated() {
            var stream = random.stream(.split, splitID, UInt32(label))
            let order = stream.permutation(members.count)
            let take = Int((validationFraction * Double(members.count) + 0.5).rounded(.down))
            for k in order.prefix(take) { inValidation[members[k]] = true }
        }
        let validation = examples.indices.filter { inValidation[$0] }
        let train = examples.indices.filter { !inValidation[$0] }
        return (subset(train, name: trainName ?? name), subset(validation, name: validationName ?? "\(name)_validation"))
    }
}
