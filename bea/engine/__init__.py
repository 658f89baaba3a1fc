"""The engine: the order-by-order solve that turns a scheme's one-step series into its modified field, within a cost budget (internal)."""
