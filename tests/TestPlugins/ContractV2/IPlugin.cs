namespace Framework.Abstractions;

public interface IPlugin
{
    void Configure(object builder, CancellationToken cancellationToken);
}
