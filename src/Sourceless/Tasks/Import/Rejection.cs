namespace Sourceless.Tasks.Import;

/// <summary>Why a function (or a whole file, or a JSONL line) did not become a task. The reason is
/// a short fixed key (counted at the end of an import), the detail says what exactly.</summary>
public sealed record Rejection(string Source, string? Function, string Reason, string Detail);

/// <summary>The fixed rejection keys, so counts group cleanly and tests can name them.</summary>
public static class Reasons
{
    public const string ParseError = "file-does-not-parse";
    public const string MissingHeader = "missing-header";
    public const string NotExeBench = "not-an-exebench-record";
    public const string Main = "main-function";
    public const string Variadic = "variadic";
    public const string UnsupportedType = "type-outside-task-format";
    public const string NothingObservable = "nothing-observable";
    public const string CallsOtherFile = "calls-another-file";
    public const string WritableData = "writable-global-data";
    public const string DoesNotCompileAlone = "does-not-compile-alone";
    public const string NotBareBuildable = "not-a-bare-image";
    public const string TooFewCleanInputs = "too-few-well-defined-inputs";
    public const string TargetsDisagree = "targets-disagree";
    public const string DuplicateName = "duplicate-name";
    public const string HarnessFailure = "harness-cannot-drive-it";
}
