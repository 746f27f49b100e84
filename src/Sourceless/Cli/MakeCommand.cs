using System.CommandLine;
using Sourceless.Contenders.Llm;
using Sourceless.Make;
using Sourceless.Targets;

namespace Sourceless.Cli;

/// <summary><c>sourceless make "SPEC"</c>: a natural-language spec in, a runnable binary and its report card out.</summary>
public static class MakeCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "What the program should do, in words (or @FILE to read it from a file)." };
        var contender = new Option<string>("--contender", "-c") { Description = "llm:URL#hex (the model writes the bytes), llm:URL#asm (assembly) or llm:URL#c (C, built by the real compiler).", DefaultValueFactory = _ => "llm:http://127.0.0.1:8080/v1#c" };
        var target = new Option<string>("--target") { Description = "Target isa/compiler/level.", DefaultValueFactory = _ => "x86_64/gcc/-O2" };
        var name = new Option<string>("--name") { Description = "Name of the program's function and of the binary.", DefaultValueFactory = _ => "program" };
        var outDir = new Option<string?>("--out", "-o") { Description = "Folder for the binary and report-card.md/json (default: made/<name>)." };
        var samples = new Option<int>("--samples", "-k") { Description = "Samples to ask for (the report card compares them).", DefaultValueFactory = _ => 3 };
        var flips = new Option<int>("--flips") { Description = "Single-bit flips of the image to run for the report card.", DefaultValueFactory = _ => 24 };
        var seed = new Option<ulong>("--seed") { Description = "Seed (sampling seed sent to the model, flip choice).", DefaultValueFactory = _ => 1 };
        // The same --llm-* options as trial, with a little sampling by default: make compares samples.
        var llmOptions = new LlmOptions(LlmSettings.Default with { Temperature = 0.2 }, scope: "");
        var cmd = new Command("make",
            "Imagination to software: a spec in words goes to a model (through the chosen mode), and a runnable binary for the target comes out, " +
            "with a report card (the trial's questions asked of this one artifact) printed and written beside it.");
        cmd.Arguments.Add(spec);
        foreach (var o in new Option[] { contender, target, name, outDir, samples, flips, seed }.Concat(llmOptions.All)) cmd.Options.Add(o);
        cmd.SetAction((pr, ct) => CliAction.RunAsync(async () =>
        {
            string text = pr.GetValue(spec)!;
            if (text.StartsWith('@')) text = File.Exists(text[1..]) ? await File.ReadAllTextAsync(text[1..], ct) : throw new UserError($"no file {text[1..]}");
            if (string.IsNullOrWhiteSpace(text)) throw new UserError("the spec is empty");
            string n = pr.GetValue(name)!;
            if (!System.Text.RegularExpressions.Regex.IsMatch(n, "^[A-Za-z_][A-Za-z0-9_]{0,63}$") || n == "main") throw new UserError($"--name: '{n}' is not a C identifier (and not main)");
            if (pr.GetValue(samples) < 1) throw new UserError("--samples must be at least 1");
            var llm = llmOptions.Read(pr);
            string c = Contenders.ContenderRegistry.ParseNames(pr.GetValue(contender)) is [var only] ? only : throw new UserError("--contender: name one contender");
            var options = new MakeOptions(text.Trim(), c, Target.Parse(pr.GetValue(target)!), n, pr.GetValue(outDir) ?? Path.Combine("made", n),
                pr.GetValue(samples), Math.Max(0, pr.GetValue(flips)), pr.GetValue(seed), llm);
            var (binary, card) = await new MakeRun(options).RunAsync(Console.Error, ct);
            Console.Error.WriteLine(card);
            Console.WriteLine(binary ?? "");
            return binary is null ? 1 : 0;
        }));
        return cmd;
    }
}
