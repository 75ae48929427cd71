#include "cli/command.h"

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace wsgi::studio::cli {

namespace {

// Word-wraps `text` to `width` columns, each continuation indented by `indent` spaces.
QString wrap(const QString& text, int indent, int width)
{
    QString out;
    int column = indent;
    const QStringList words = text.split(u' ', Qt::SkipEmptyParts);
    for (const QString& word : words) {
        if (column > indent && column + 1 + word.size() > width) {
            out += u'\n' + QString(indent, u' ');
            column = indent;
        } else if (column > indent) {
            out += u' ';
            ++column;
        }
        out += word;
        column += int(word.size());
    }
    return out;
}

QString optionLabel(const OptionSpec& spec)
{
    QStringList forms;
    for (const QString& name : spec.names)
        forms << (name.size() == 1 ? u"-"_s : u"--"_s) + name;
    QString label = forms.join(u", "_s);
    if (!spec.valueName.isEmpty())
        label += u' ' + spec.valueName;
    return label;
}

} // namespace

CommandOptions::CommandOptions(QString command, QString usage, QString description,
                               std::vector<OptionSpec> options)
    : m_command(std::move(command)), m_usage(std::move(usage)), m_description(std::move(description)),
      m_options(std::move(options))
{
    m_options.push_back({{u"h"_s, u"help"_s}, {}, u"Show this help and exit."_s, {}});
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    for (const OptionSpec& spec : m_options)
        m_parser.addOption(
            QCommandLineOption(spec.names, spec.description, spec.valueName, spec.defaultValue));
}

bool CommandOptions::parse(const QStringList& arguments)
{
    // QCommandLineParser expects the program name first.
    if (!m_parser.parse(QStringList{QLatin1StringView(kProgramName)} + arguments)) {
        m_error = m_parser.errorText();
        return false;
    }
    return true;
}

std::optional<ExitCode> CommandOptions::parseOrExit(const QStringList& arguments,
                                                    const QString& missingPositional)
{
    if (!parse(arguments))
        return usageError(error());
    if (helpRequested()) {
        printOut(helpText());
        return ExitCode::Ok;
    }
    const QStringList positional = positionalArguments();
    const qsizetype allowed = missingPositional.isEmpty() ? 0 : 1;
    if (positional.size() > allowed)
        return usageError(u"unexpected argument '"_s + positional[allowed] + u'\'');
    if (positional.size() < allowed)
        return usageError(missingPositional);
    return std::nullopt;
}

bool CommandOptions::helpRequested() const
{
    return m_parser.isSet(u"help"_s);
}

QString CommandOptions::usageLine() const
{
    return u"Usage: "_s + QLatin1StringView(kProgramName) + u' ' + m_command + u' ' + m_usage;
}

QString CommandOptions::helpText() const
{
    constexpr int kWidth = 100;
    int labelWidth = 0;
    for (const OptionSpec& spec : m_options)
        labelWidth = std::max(labelWidth, int(optionLabel(spec).size()));
    labelWidth = std::min(labelWidth, 28);
    QString text = usageLine() + u"\n\n"_s;
    for (const QString& paragraph : m_description.split(u"\n\n"_s))
        text += wrap(QString(paragraph).replace(u'\n', u' '), 0, kWidth) + u"\n\n"_s;
    text += u"Options:\n"_s;
    for (const OptionSpec& spec : m_options) {
        const QString label = optionLabel(spec);
        QString description = spec.description;
        if (!spec.defaultValue.isEmpty())
            description += u" Default: "_s + spec.defaultValue + u'.';
        const int indent = 2 + labelWidth + 2;
        if (label.size() > labelWidth)
            text += u"  "_s + label + u'\n' + QString(indent, u' ');
        else
            text += u"  "_s + label.leftJustified(labelWidth) + u"  "_s;
        text += wrap(description, indent, kWidth) + u'\n';
    }
    return text;
}

ExitCode CommandOptions::usageError(const QString& message) const
{
    reportError(m_command, message);
    printError(usageLine() + u"\nTry '"_s + QLatin1StringView(kProgramName) + u' ' + m_command +
               u" --help' for more.\n"_s);
    return ExitCode::UsageError;
}

void printOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void printError(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void reportError(const QString& command, const QString& message)
{
    const QString prefix = command.isEmpty() ? QString(QLatin1StringView(kProgramName))
                                             : QLatin1StringView(kProgramName) + u' ' + command;
    printError(prefix + u": "_s + message + u'\n');
}

} // namespace wsgi::studio::cli
