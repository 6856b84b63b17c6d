using System.Data.Common;

namespace BoxOffice.Messaging.Storage;

/// <summary>Adds parameters fluently to an ADO.NET command.</summary>
public static class CommandExtensions
{
    /// <summary>Adds a parameter (null becomes DBNull) and returns the command.</summary>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
