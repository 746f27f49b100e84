namespace Sourceless;

/// <summary>Bad input from the user (unknown contender, malformed task, missing toolchain): the
/// CLI prints its message as one line and exits with code 2, without a stack trace.</summary>
public sealed class UserError(string message) : Exception(message);
