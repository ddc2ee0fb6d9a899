return await Cutover.Cli.CliApp.RunAsync(args);
