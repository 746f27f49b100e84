using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Sourceless.Cli;

/// <summary>
/// A command line System.CommandLine could not parse, said in the user's words as one line
/// ("--generations expects a whole number, got 'abc'") instead of the library's message, which
/// names .NET types ("System.Nullable`1[System.Int32]"). Like every other bad input it ends with
/// exit code 2 (<see cref="CliAction.UserErrorExit"/>).
/// </summary>
public static class ParseErrors
{
    /// <summary>The one line for the first error of the parse.</summary>
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        string name = string.Join(' ', ["sourceless", .. Subcommands(result.CommandResult)]);
        string help = $"see '{name} --help'";
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option '{token}' ({help})"
                : command.Subcommands.Count > 0 && command.Arguments.Count == 0
                    ? $"unknown command '{token}' (known: {string.Join(", ", command.Subcommands.Select(c => c.Name))})"
                    : $"unexpected argument '{token}' ({help})";
        }
        foreach (var error in result.Errors)
        {
            string? said = error.SymbolResult switch
            {
                OptionResult { IdentifierToken: not null } option => Explain(Typed(option), option.Option.ValueType, option.Tokens, anyValue: true),
                ArgumentResult { Parent: OptionResult { IdentifierToken: not null } option } argument => Explain(Typed(option), argument.Argument.ValueType, argument.Tokens, anyValue: true),
                ArgumentResult argument => Explain(argument.Argument.Name.ToUpperInvariant(), argument.Argument.ValueType, argument.Tokens),
                _ => null,
            };
            if (said is not null) return said;
        }
        if (command.Options.FirstOrDefault(o => o.Required && result.GetResult(o)?.IdentifierToken is null) is { } option0)
            return $"'{name}' needs {option0.Name} ({help})";
        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && (result.GetResult(a)?.Tokens.Count ?? 0) == 0) is { } argument0)
            return $"'{name}' needs {argument0.Name.ToUpperInvariant()} ({help})";
        // Anything else (too many values, say): the library's sentence, pointing at the help.
        return $"{result.Errors[0].Message.TrimEnd('.')} ({help})";
    }

    /// <summary>The option as the user typed it ("-k"), else its name.</summary>
    private static string Typed(OptionResult option) => option.IdentifierToken?.Value ?? option.Option.Name;

    /// <summary>"NAME expects KIND, got 'TOKEN'" for a value of the wrong type, or "..., got
    /// nothing" when the value is missing (for an option of any type when <paramref name="anyValue"/>);
    /// null when the tokens do convert (the error is another one).</summary>
    private static string? Explain(string name, Type type, IReadOnlyList<Token> tokens, bool anyValue = false)
    {
        var kind = Nullable.GetUnderlyingType(type) ?? type;
        if (kind.IsArray) kind = kind.GetElementType()!;
        string? expects = Expects(kind) ?? (anyValue && tokens.Count == 0 ? "a value" : null);
        if (expects is null) return null;
        if (tokens.Count == 0) return $"{name} expects {expects}, got nothing";
        var bad = tokens.FirstOrDefault(t => !Converts(kind, t.Value));
        return bad is null ? null : $"{name} expects {expects}, got '{bad.Value}'";
    }

    private static string? Expects(Type kind) =>
        kind == typeof(int) || kind == typeof(long) || kind == typeof(short) || kind == typeof(sbyte) ? "a whole number"
        : kind == typeof(uint) || kind == typeof(ulong) || kind == typeof(ushort) || kind == typeof(byte) ? "a whole number, zero or more"
        : kind == typeof(double) || kind == typeof(float) || kind == typeof(decimal) ? "a number"
        : kind == typeof(bool) ? "true or false"
        : kind.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(kind).Select(n => n.ToLowerInvariant()))
        : null;

    private static bool Converts(Type kind, string text)
    {
        var inv = CultureInfo.InvariantCulture;
        if (kind.IsEnum) return Enum.TryParse(kind, text, ignoreCase: true, out _);
        if (kind == typeof(bool)) return bool.TryParse(text, out _);
        if (kind == typeof(double) || kind == typeof(float) || kind == typeof(decimal))
            return double.TryParse(text, NumberStyles.Float, inv, out _);
        return kind == typeof(uint) || kind == typeof(ulong) || kind == typeof(ushort) || kind == typeof(byte)
            ? ulong.TryParse(text, NumberStyles.Integer, inv, out ulong u) && Fits(kind, u)
            : long.TryParse(text, NumberStyles.Integer, inv, out long l) && Fits(kind, l);
    }

    private static bool Fits(Type kind, decimal v) =>
        kind == typeof(int) ? v is >= int.MinValue and <= int.MaxValue
        : kind == typeof(short) ? v is >= short.MinValue and <= short.MaxValue
        : kind == typeof(sbyte) ? v is >= sbyte.MinValue and <= sbyte.MaxValue
        : kind == typeof(uint) ? v <= uint.MaxValue
        : kind == typeof(ushort) ? v <= ushort.MaxValue
        : kind == typeof(byte) ? v <= byte.MaxValue
        : true;

    /// <summary>The subcommands below the root, e.g. ["corpus", "merge"].</summary>
    private static List<string> Subcommands(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? r = command; r is not null; r = r.Parent)
            if (r is CommandResult { Parent: not null } c) names.Insert(0, c.Command.Name);
        return names;
    }
}
