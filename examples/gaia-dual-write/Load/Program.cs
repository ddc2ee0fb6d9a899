// gaia-load drive --url URL --phase NAME --writes N --keys K [--first-key F] --concurrency C --log PATH
// gaia-load verify --log PATH --old OLD.db --new NEW.db
using System.Globalization;
using Gaia.Load;

var opts = new Dictionary<string, string>();
for (var i = 1; i + 1 < args.Length; i += 2)
{
    opts[args[i].TrimStart('-')] = args[i + 1];
}
int Int(string name, int fallback) => opts.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
string Text(string name) => opts.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

return args.FirstOrDefault() switch
{
    "drive" => await Drive.RunAsync(new Uri(Text("url")), Text("phase"), Int("writes", 200), Int("keys", 100), Int("concurrency", 4), Text("log"), Int("first-key", 0)),
    "verify" => Verify.Run(Text("log"), Text("old"), Text("new")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: gaia-load drive --url URL --phase NAME [--writes 200] [--keys 100] [--first-key 0] [--concurrency 4] --log PATH");
    Console.Error.WriteLine("       gaia-load verify --log PATH --old OLD.db --new NEW.db");
    return 2;
}
