import GRPCCore

/// The two services of the CRI v1 endpoint, sharing one context.
public enum CRIServices {
    public static func make(_ context: CRIContext) -> [any RegistrableRPCService] {
        [RuntimeService(context: context), ImageService(context: context)]
    }
}
