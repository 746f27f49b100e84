namespace Sourceless.Tasks.Import;

/// <summary>A struct of the signature, moved into task.h's <c>types:</c> block. Its definition
/// leaves ref.c (task.h has it); a typedef that defined it becomes <c>typedef struct N T;</c>.</summary>
public sealed record MovedStruct(string Name, string RecordId, string? TypedefId, string? TypedefName);

/// <summary>What the task format makes of a function's signature: the parsed signature, the
/// <c>types:</c> block, and the structs that moved there.</summary>
public sealed record FunctionShape(Signature Signature, string Types, IReadOnlyList<MovedStruct> Structs);

/// <summary>A function whose parameters or return fall outside the task format.</summary>
public sealed class ShapeException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
