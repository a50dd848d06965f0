using Framework.Host.Cli;

return await FrameworkApplication.RunAsync(args);
