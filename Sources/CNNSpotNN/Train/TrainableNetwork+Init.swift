import Foundation

extension TrainableNetwork {
    /// The description's initialisation, in parameter order (convs in forward order, then the
    /// head's weight and bias); BatchNorm weight 1 and bias 0, running stats 0 / 1.
    /// - `.kaimingNormalFanOut` (torchvision `ResNet.__init__`): every conv
    ///   `kaiming_normal_(mode='fan_out', nonlinearity='relu')`, std = sqrt(2 / (out * k * k)).
    /// - `.pytorchDefault`: conv weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in/groups * k * k
    ///   (`kaiming_uniform_(a=sqrt(5))`).
    /// The head has nn.Linear's default in both: weight and bias U(-1/sqrt(in), 1/sqrt(in)).
    func initialiseWeights(_ rng: inout InitRandom) {
        let kaiming = spec.description.initialisation == .kaimingNormalFanOut
        for unit in allUnits {
            let conv = unit.conv
            if kaiming {
                let std = (2.0 / Double(conv.outChannels * conv.kernel * conv.kernel)).squareRoot()
                conv.weight.value.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count { w[i] = Float(std * rng.normal()) }
                }
            } else {
                let fanIn = conv.weight.shape.dropFirst().reduce(1, *)
                fillUniform(conv.weight.value, bound: 1 / Double(fanIn).squareRoot(), &rng)
            }
            // nn.Conv2d's default bias (both initialisations): U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
            if let b = conv.bias {
                fillUniform(b.value, bound: 1 / Double(conv.weight.shape.dropFirst().reduce(1, *)).squareRoot(), &rng)
            }
        }
        for (_, bn) in namedBatchNorms {
            bn.weight.value.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            bn.bias.value.zero(); bn.runningMean.zero()
            bn.runningVar.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
            bn.numBatchesTracked = 0
        }
        let bound = 1 / Double(head.inFeatures).squareRoot()
        fillUniform(head.weight.value, bound: bound, &rng)
        fillUniform(head.bias.value, bound: bound, &rng)
    }

    /// CNNDetection's new head for fine-tuning: `weight ~ N(0, std)` (`init_gain` 0.02);
    /// the bias keeps nn.Linear's default U(-1/sqrt(in), 1/sqrt(in)), as there.
    public func resetHead(std: Double = 0.02, seed: UInt64 = 0) {
        var rng = InitRandom(seed: seed)
        head.weight.value.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = Float(std * rng.normal()) }
        }
        fillUniform(head.bias.value, bound: 1 / Double(head.inFeatures).squareRoot(), &rng)
    }

    private func fillUniform(_ t: Tensor, bound: Double, _ rng: inout InitRandom) {
        t.withUnsafeMutableBufferPointer { w in
            for i in 0..<w.count { w[i] = Float((2 * rng.uniform() - 1) * bound) }
        }
    }

    var allUnits: [TrainableUnit] { layers.flatMap(\.units) }
}
