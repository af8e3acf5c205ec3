"""The ERP as the push handlers use it: lookups kept for a run, documents by reference, and
workflow buttons with Tryton's quirks handled (notes/tryton.md 7b, 7d, 10).
"""

from collections.abc import Callable, Iterable
from typing import Any

from station.outbox import DispositionDecided, OutboxRecord
from sync.connector import Outgoing, Rejected
from sync.tryton.rpc import Client


class QualityGate(Rejected):
    """A transition the ERP holds until an inspection of the document is in: the event is
    rejected, with this said, unless its handler knows better."""

    def __init__(self, message: str) -> None:
        super().__init__("QualityGate", message)


def alike(event: OutboxRecord) -> tuple[str | None, ...] | None:
    """What makes two events alike, for the events whose effect in the ERP is counted, not
    created (a unit sent to its disposition adds one to the units there), to count those
    already sent; None for the others. Alike events are about the same subject."""
    if isinstance(event, DispositionDecided):
        return (event.rma, event.sku, event.destination)
    return None


class Erp:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._found: dict[str, int] = {}
        self._products: dict[str, int] = {}
        self._expected: set[str] = set()

    def call(self, model: str, method: str, *args: Any) -> Any:
        return self.client.model(model, method, *args)

    def one(self, model: str, domain: list[Any], what: str) -> int:
        """The id of the one record ``domain`` finds, looked up once per run."""
        key = f"{model}{domain}"
        if key not in self._found:
            found = self.call(model, "search", domain, 0, 1, None)
            if not found:
                raise Rejected("Missing", f"the ERP has no {what}")
            self._found[key] = found[0]
        return self._found[key]

    def location(self, code: str) -> int:
        return self.one("stock.location", [["code", "=", code]], f"location {code}")

    def expect_products(self, skus: Iterable[str]) -> None:
        """Products the next events name: the first one asked for looks them all up in one
        call (inside a handler, so that the ERP being away counts against its event)."""
        self._expected.update(set(skus) - set(self._products))

    def product(self, sku: str) -> int:
        if sku not in self._products and sku in self._expected:
            wanted = sorted(self._expected)
            found = self.call(
                "product.product", "search_read", [["code", "in", wanted]], 0, None, None,
                ["code"],
            )  # fmt: skip
            self._products.update((row["code"], row["id"]) for row in found)
            self._expected.clear()
        if sku not in self._products:
            self._products[sku] = self.one(
                "product.product", [["code", "=", sku]], f"product {sku}"
            )
        return self._products[sku]

    def euro(self) -> int:
        return self.one("currency.currency", [["code", "=", "EUR"]], "currency EUR")

    def by_reference(self, model: str, reference: str, fields: list[str]) -> dict[str, Any] | None:
        """The document the station's reference names, with its state and ``fields``."""
        found: list[dict[str, Any]] = self.call(
            model,
            "search_read",
            [["reference", "=", reference]],
            0,
            1,
            [["id", "ASC"]],
            ["state", *fields],
        )
        return found[0] if found else None

    def moves_of(
        self, model: str, shipment: int, where: list[Any], fields: list[str]
    ) -> list[dict[str, Any]]:
        """The stock moves of a shipment that also meet ``where``, oldest first."""
        found: list[dict[str, Any]] = self.call(
            "stock.move", "search_read", [["shipment", "=", f"{model},{shipment}"], *where],
            0, None, [["id", "ASC"]], fields,
        )  # fmt: skip
        return found

    def button(self, model: str, record: int, name: str) -> None:
        """A workflow button. A warning it raises is acknowledged once (only a warning:
        "moves have no origin" on documents entered by hand); a quality gate, which Tryton
        answers with a wizard instead of an error, is raised as one."""
        try:
            answer = self.call(model, name, [record])
        except Rejected as refused:
            if refused.kind != "UserWarning":
                raise
            self.call("res.user.warning", "skip", refused.message, False)
            answer = self.call(model, name, [record])
        if isinstance(answer, dict) and answer.get("type") == "ir.action.wizard":
            raise QualityGate(f"{model} {record} waits for a quality inspection")


Handler = Callable[[Erp, Outgoing], None]
