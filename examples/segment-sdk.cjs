// Segment's Node SDK sending to the local host (npm start) instead of Segment: its host and path settings.
const { Analytics } = require('@segment/analytics-node')

const analytics = new Analytics({
  writeKey: 'local', // any: the local host reads no write key
  host: process.env.LOCAL_HOST ?? 'http://127.0.0.1:4000',
  path: '/v1/batch'
})

analytics.identify({ userId: '12345', traits: { name: 'Homer Simpson', email: 'homer@example.com' } })
analytics.track({ userId: '12345', event: 'Donut Eaten', properties: { flavour: 'pink' } })
analytics.closeAndFlush().then(() => console.log('sent'))
