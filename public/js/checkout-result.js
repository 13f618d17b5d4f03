// The page PayPal's return and cancel links end on: says what happened to the
// order and what to do next. The server put the outcome in the query.
(() => {
  const params = new URLSearchParams(location.search);
  const status = params.get('status') ?? 'unknown';
  const orderId = params.get('order');
  const el = (id) => document.getElementById(id);

  const MESSAGES = {
    completed: ['Thank you!', 'Your payment went through. The tracks below are yours: play them in full or download them from your library.'],
    pending: ['Payment pending', 'PayPal is still processing your payment (for example a bank transfer). Your tracks unlock as soon as it clears; you need not do anything.'],
    declined: ['Payment declined', 'PayPal declined the payment method you chose. Nothing was charged. Try again with another one.'],
    failed: ['Payment failed', 'This order could not be paid and nothing was charged. Start a new checkout from the store.'],
    refunded: ['Order refunded', 'This order was refunded; its tracks are no longer in your library.'],
    cancelled: ['Checkout cancelled', 'You cancelled at PayPal. Nothing was charged. Your order stays open for a while if you change your mind.'],
    not_approved: ['Not approved yet', 'PayPal has not confirmed your approval. Nothing was charged; try the payment again.'],
    unavailable: ['We could not reach PayPal', 'We could not confirm your payment right now. If you approved it, your tracks unlock automatically within a few minutes — you will not be charged twice.'],
    signed_out: ['Please sign in', 'Sign in to see your order. If you approved the payment, your tracks unlock automatically.'],
    unknown: ['Order not found', 'We could not find this order for your account.'],
  };
  const [title, message] = MESSAGES[status] ?? MESSAGES.unknown;
  el('title').textContent = title;
  el('message').textContent = message;
  if (!orderId || !/^\d+$/.test(orderId)) return;

  fetch(`/api/me/orders/${orderId}`, { headers: { Accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : undefined))
    .then((body) => {
      if (!body) return;
      const { order } = body;
      for (const item of order.items) {
        const li = document.createElement('li');
        li.textContent = `${item.artist} – ${item.title} (${item.price} ${order.currency})`;
        el('items').append(li);
      }
      if (order.approveUrl && status !== 'completed') {
        const retry = document.createElement('a');
        retry.href = order.approveUrl;
        retry.textContent = 'Pay with PayPal again';
        retry.className = 'button';
        el('actions').prepend(retry, ' ');
      }
    })
    .catch(() => undefined);
})();
