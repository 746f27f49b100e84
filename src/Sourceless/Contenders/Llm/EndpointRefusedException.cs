namespace Sourceless.Contenders.Llm;

/// <summary>The very first request to an endpoint was refused: nothing listens at that address.
/// Thrown only by a contender asked to stop then (<see cref="LlmContender.StopWhenNoServer"/>), so
/// its caller can say how to give an endpoint instead of retrying against nothing.</summary>
public sealed class EndpointRefusedException(Uri endpoint, Exception inner)
    : Exception($"no model endpoint at {endpoint.AbsoluteUri} (connection refused)", inner)
{
    public Uri Endpoint { get; } = endpoint;
}
