// Personal assignment on the officials' pages (docs/api.md, "Personal assignment"): who has a
// ticket, and the claim / assign / give-back controls of the ticket page. The server is the
// judge of every control; a 409 means someone else changed the ticket first.
import { authed, isSupervisor, session } from './auth.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** "Nguyễn Thị Hoa (hoa.nt)", or the unit's when nobody has it. */
export function assigneeText(ticket) {
  const a = ticket.assignee;
  return a ? `${a.fullName} (${a.username})` : t('assign.nobody');
}

/** The queue row's line under the unit: who has the ticket. */
export function assigneeLine(ticket) {
  return h('span', { class: 'sub', dataset: { assignee: ticket.assignee?.username ?? '' } }, assigneeText(ticket));
}

/**
 * The ticket page's assignment box: who has it; "Take it" for an official of its unit while
 * nobody has it; "Give back" for the assignee or a supervisor; for supervisors a list of the
 * unit's active officials to assign it to. `act(action, body, button)` sends the action and
 * reloads the page's ticket (the page's own act(), with its 409 handling).
 */
export function assignmentBox(tk, act) {
  const me = session();
  const open = ['ASSIGNED', 'IN_PROGRESS', 'DEFERRED'].includes(tk.status);
  const mine = tk.assignee && me && tk.assignee.username === me.username;
  const box = h(
    'div',
    { class: 'assignment', id: 'assignment' },
    h('p', {}, h('strong', {}, `${t('assign.label')}: `), h('span', { id: 'assignee' }, assigneeText(tk))),
  );
  if (!open) return box;
  const versioned = (body = {}) => ({ ...body, version: tk.version });
  const row = h('div', { class: 'actions-row' });
  if (!tk.assignee && me && me.unitCode === tk.assignedUnit?.code && me.role !== 'ADMIN') {
    row.append(
      button('assign-claim', 'btn-primary', t('assign.claim'), (e) => act('claim', versioned(), e.currentTarget)),
    );
  }
  if (tk.assignee && (mine || isSupervisor(me))) {
    row.append(
      button('assign-release', 'btn-secondary', t('assign.release'), (e) =>
        act('unassign', versioned(), e.currentTarget),
      ),
    );
  }
  if (row.childElementCount) box.append(row);
  if (isSupervisor(me)) box.append(assignForm(tk, act, versioned));
  return box;
}

function button(id, cls, label, onclick) {
  return h('button', { type: 'button', class: `btn ${cls}`, id, onclick }, label);
}

/** Supervisors: pick an active official of the ticket's unit (GET …/assignees), then assign. */
function assignForm(tk, act, versioned) {
  const select = h('select', { id: 'assign-to', name: 'assigneeId' }, h('option', { value: '' }, t('assign.pick')));
  const submit = h('button', { type: 'submit', class: 'btn btn-secondary', id: 'assign-submit' }, t('assign.submit'));
  const form = h(
    'form',
    {
      class: 'field',
      novalidate: true,
      onsubmit: (e) => {
        e.preventDefault();
        if (select.value) act('assign', versioned({ assigneeId: select.value }), submit);
      },
    },
    h('label', { for: 'assign-to' }, t('assign.to')),
    select,
    submit,
  );
  authed(`/api/v1/tickets/${encodeURIComponent(tk.trackingCode)}/assignees`)
    .then((people) => {
      for (const p of people) {
        if (p.id === tk.assignee?.id) continue;
        select.append(h('option', { value: p.id }, `${p.fullName} (${p.username})`));
      }
    })
    .catch(() => {
      select.disabled = true;
    });
  return form;
}
