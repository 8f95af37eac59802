"""Roll-ups along the programme's own structure (axis ⊃ central town ⊃ cluster → villages): figures per
node counted once (figures.py, in the database over registry's closure rows), written as monthly
snapshots by the board's roll-up run (services.py), read with a constant number of queries
(selectors.py), shown on the axis, central-town and cluster pages and the board's 按台账结构 tab (views.py)."""
