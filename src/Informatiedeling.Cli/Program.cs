using Informatiedeling.Cli;

// infodeel: the operators' tool for the Informatiedeling hub (policy checks, database, keys, logs).
return await InfodeelApp.RunAsync(args, Console.In, Console.Out, Console.Error);
