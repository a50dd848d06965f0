namespace Framework.TestLib;

public static class LibraryInfo
{
    public static string Flavour => "flavour-1";
}
