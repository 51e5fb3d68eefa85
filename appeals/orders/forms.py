"""The checkout form: where the letter goes, and the price with a promo code."""

from __future__ import annotations

import dataclasses

from django import forms

from appeals.orders.models import Refusal, quote


class CheckoutForm(forms.Form):
    """The payment page: where the letter goes, and a promo code.  Prices the
    order on the server (``cleaned_data["quote"]``); a code that does not apply
    is refused at its field with the reason, unless the person chose to go on
    at the list price."""

    email = forms.EmailField(max_length=254, label="Email address for the letter")
    promo = forms.CharField(max_length=40, required=False, label="Promo code (optional)")

    def __init__(self, *args, pricing, case=None, ignore_promo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pricing = pricing
        self.case = case
        self.ignore_promo = ignore_promo

    def clean_promo(self) -> str:
        return self.cleaned_data["promo"].strip().upper()

    def clean(self) -> dict:
        data = super().clean()
        if "email" not in data:
            return data
        price = quote(self.pricing, "" if self.ignore_promo else data.get("promo", ""), data["email"], case=self.case)
        if price.refusal is not None:
            self.add_error("promo", price.refusal.label)
        data["quote"] = price
        return data

    def refuse_promo(self, refusal: Refusal) -> None:
        """The code was checked again when the order was made, and another
        checkout had taken it meanwhile: the list price, and why."""
        price = self.cleaned_data["quote"]
        self.cleaned_data["quote"] = dataclasses.replace(price, promo=None, refusal=refusal)
        self.add_error("promo", refusal.label)
