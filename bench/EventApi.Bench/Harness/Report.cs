using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace EventApi.Bench.Harness;

/// <summary>What every section of docs/benchmarks.md states, and how a section is written into it.</summary>
public static class Report
{
    /// <summary>
    /// Replaces the section between <c>&lt;!-- {name}-benchmarks:begin --&gt;</c> and its end marker in
    /// <paramref name="path"/> (appends it if the markers are missing, and creates the file if there is none).
    /// <paramref name="body"/> is the markdown inside the markers.
    /// </summary>
    public static void WriteSection(string path, string name, string body)
    {
        var begin = $"<!-- {name}-benchmarks:begin -->";
        var end = $"<!-- {name}-benchmarks:end -->";
        var section =
            $"{begin}\n<!-- Written by `scripts/bench.sh` (bench/EventApi.Bench `{name}`); edit the code, not this section. -->\n" +
            $"{body.TrimEnd('\n')}\n{end}";
        var doc = File.Exists(path) ? File.ReadAllText(path) : "";
        var from = doc.IndexOf(begin, StringComparison.Ordinal);
        var to = doc.IndexOf(end, StringComparison.Ordinal);
        doc = from >= 0 && to > from
            ? doc[..from] + section + doc[(to + end.Length)..]
            : doc.Length == 0 ? section + "\n" : doc.TrimEnd('\n') + "\n\n" + section + "\n";
        File.WriteAllText(path, doc);
        Console.WriteLine($"Wrote the {name} section of {path}.");
    }

    /// <summary>
    /// A PostgreSQL mode's section as every one starts: its title, when and where it was measured, the server and its
    /// settings, and the command that runs it (indented, as code).
    /// </summary>
    public static StringBuilder BeginSection(string title, BenchDatabase database, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        md.AppendLine();
        md.AppendLine(Measured());
        md.AppendLine(database.DescribeServer());
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"    {command}");
        md.AppendLine();
        return md;
    }

    /// <summary>"Measured ... at commit ... on ..." for a section's first line.</summary>
    public static string Measured() =>
        $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC at commit `{Commit()}` on {Machine()}.";

    public static string Machine()
    {
        var cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{(cpu.Length > 0 ? cpu + ", " : "")}{Environment.ProcessorCount} cores, " +
               $"{memory.ToString("F0", CultureInfo.InvariantCulture)} GiB of memory, {RuntimeInformation.OSDescription}, " +
               $"{RuntimeInformation.FrameworkDescription}";
    }

    /// <summary>The commit checked out in <paramref name="directory"/> (the working directory by default).</summary>
    public static string Commit(string? directory = null)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                WorkingDirectory = directory ?? "",
            })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return commit.Length > 0 ? commit : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    /// <summary>Settings as the sections list them: <c>`Key=Value`</c>, comma-separated.</summary>
    public static string Settings(IReadOnlyDictionary<string, string> settings) =>
        string.Join(", ", settings.Select(s => $"`{s.Key}={s.Value}`"));

    /// <summary>Appends <paramref name="text"/> wrapped at 118 characters; a list item's lines continue under its text.</summary>
    public static void Paragraph(StringBuilder md, string text)
    {
        const int width = 118;
        var indent = text.StartsWith("- ", StringComparison.Ordinal) ? "  " : "";
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                md.AppendLine(line.ToString());
                line.Clear().Append(indent);
            }
            else if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        md.AppendLine(line.ToString());
    }

    public static string Yes(bool met) => met ? "yes" : "**no**";

    public static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
