"""What several services keep of matching's decisions, the same way in each: blocks between
members (matching writes them; profiles and notifications keep copies from member.blocked)
and buddy links (profiles and notifications keep them from buddyship.started and .ended), so
that none of them asks matching at run time."""
