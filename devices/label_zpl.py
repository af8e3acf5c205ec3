"""Labels as ZPL II for Zebra-style thermal printers.

Everything from the label data is escaped: text goes through ``^FH`` hex escapes and Code 128
data through the ``^BC`` escapes, so an item name such as ``^XA`` or ``~JR`` prints as text
instead of starting a format or resetting the printer.
"""

from collections.abc import Mapping

from devices.labels import (
    Element,
    Template,
    code128_of,
    dots,
    gs1_of,
    gtin_of,
    module_dots,
    needs_separator,
    text_of,
)

# "_" first: it is the ^FH escape character itself. A "\&" in the data still breaks the
# line inside a ^FB block (Zebra and zebrash differ on escaping it), which is only cosmetic.
_FH_ESCAPES = (("_", "_5F"), ("^", "_5E"), ("~", "_7E"))
# ^BC mode N escapes (Zebra ZPL II guide): ">" starts an invocation code, so it is doubled
# up as ">0" first; "^" and "~" would otherwise end the field or run a command.
_BC_ESCAPES = ((">", ">0"), ("^", "><"), ("~", ">="))


def render_zpl(template: Template, data: Mapping[str, object], dpi: int) -> str:
    """One label format (``^XA`` … ``^XZ``) for a printer of ``dpi`` dots per inch."""
    lines = [
        "^XA",
        "^CI28",  # field data is UTF-8
        f"^PW{dots(template.width, dpi)}",
        f"^LL{dots(template.height, dpi)}",
        "^LH0,0",
    ]
    for element in template.elements:
        field = _element(element, data, dpi, template.name)
        if field is not None:
            lines.append(f"^FO{dots(element.x, dpi)},{dots(element.y, dpi)}{field}^FS")
    lines += ["^PQ1", "^XZ"]
    return "\n".join(lines) + "\n"


def _element(element: Element, data: Mapping[str, object], dpi: int, label: str) -> str | None:
    height = dots(element.height, dpi)
    bars = f"^BY{module_dots(element, dpi)},3,{height}"
    hri = "Y" if element.hri else "N"
    match element.kind:
        case "text":
            text = text_of(element, data, label)
            if text is None:
                return None
            block = f"^FB{dots(element.width, dpi)},{element.lines},0,L,0" if element.width else ""
            return f"^A0N,{height},{height}{block}^FH^FD{_escape(text, _FH_ESCAPES)}"
        case "code128":
            value = code128_of(element, data, label)
            if value is None:
                return None
            return f"{bars}^BCN,{height},{hri},N,N,N^FD{_escape(value, _BC_ESCAPES)}"
        case "gs1_128":
            ais = gs1_of(element, data, label)
            if ais is None:
                return None
            # Mode D takes "(AI)data" and keeps the parentheses for the printed line only; it
            # still needs ">8" (FNC1) after a variable-length field, or the next AI is read
            # as part of that field.
            parts = [
                f"({ai}){value}" + (">8" if needs_separator(ais, index) else "")
                for index, (ai, value) in enumerate(ais)
            ]
            return f"{bars}^BCN,{height},{hri},N,N,D^FD{''.join(parts)}"
        case "ean13":
            gtin = gtin_of(element, data, label)
            if gtin is None:
                return None
            # ^BE takes 12 digits and adds the check digit itself (ours was checked).
            return f"{bars}^BEN,{height},{hri},N^FD{gtin[:-1]}"


def _escape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for plain, escaped in escapes:
        text = text.replace(plain, escaped)
    return text
